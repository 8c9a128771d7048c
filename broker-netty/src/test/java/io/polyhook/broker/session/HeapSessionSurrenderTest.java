package io.polyhook.broker.session;

import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A persistent session on the heap (no durable store) moving to another node while messages are
 * routed to it: a publish that found the session as its target just before the move redirected
 * the session's routes reaches the session after the move took its queue. It must go to the new
 * owner, not into a queue no one reads again (acknowledged to its publisher, it was lost).
 */
class HeapSessionSurrenderTest {

    private static final SubscriberId ID = new SubscriberId("", "moving");

    private final BrokerSettings settings = BrokerSettings.DEFAULT;
    private final HookDispatcher dispatcher = new HookDispatcher(new HookRegistry(), DispatchSettings.defaults());
    private final SessionRegistry registry = new SessionRegistry(settings, dispatcher,
            new Router(settings, new SubscriptionTree(), new RetainedStore()), new BrokerStats());

    @AfterEach
    void tearDown() {
        registry.close();
        dispatcher.close();
    }

    /** The move's forwarder: what it would send the new owner, in order. */
    private static final class Forwarder implements MovedTarget {
        final List<String> sent = new ArrayList<>();

        @Override
        public synchronized void deliver(Message message) {
            sent.add(message.topic());
        }

        @Override
        public synchronized void deliverQueued(Message message) {
            sent.add(message.topic());
        }
    }

    private ClientAttachment persistent() {
        return new ClientAttachment(ID, false, 600, dispatcher.newLane(ID.clientId()), MqttVersion.V5, QueuePolicy.DEFAULT,
                Optional.empty(), true);
    }

    private static Message msg(String topic) {
        return Message.of(topic, 1, Bytes.wrap(new byte[] {1}), false, MqttProperties.EMPTY, "publisher");
    }

    /** An offline session holding {@code queued}. */
    private Session offlineWith(String... queued) {
        RecordingConnection client = new RecordingConnection();
        Session session = registry.connect(persistent(), client).session();
        registry.disconnected(session, client, List.of(), List.of());
        for (String topic : queued) {
            session.deliver(msg(topic));
        }
        return session;
    }

    private Surrender surrender(Forwarder forwarder) throws Exception {
        return registry.handover().surrender(ID, false, forwarder).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .orElseThrow();
    }

    private static List<String> topics(List<Message> messages) {
        return messages.stream().map(Message::topic).toList();
    }

    @Test
    void aMessageReachingTheSessionAfterTheMoveTookItsQueueGoesToTheNewOwner() throws Exception {
        Session session = offlineWith("1");
        Forwarder forwarder = new Forwarder();
        Surrender move = surrender(forwarder);

        // A publish on another event loop that found the session as its target before the move.
        session.deliver(msg("2"));

        assertThat(topics(move.next(100, Long.MAX_VALUE))).containsExactly("1");
        assertThat(forwarder.sent).containsExactly("2");
    }

    @Test
    void aMoveGivenUpGivesTheSessionItsQueueBackAheadOfWhatCameAfter() throws Exception {
        Session session = offlineWith("1");
        Surrender move = surrender(new Forwarder());

        move.abandoned(true);
        session.deliver(msg("2"));

        var attached = registry.connect(persistent(), new RecordingConnection());
        assertThat(topics(attached.queued())).containsExactly("1", "2");
    }

    @Test
    void aMessageTheMoveWasChosenForButThatWasGivenUpBeforeTakingItGoesBehindTheQueueItGaveBack() throws Exception {
        Session session = offlineWith("1");
        Forwarder forwarder = new Forwarder();
        Surrender move = surrender(forwarder);
        Message late = msg("2");
        Session.Offer offer = session.offerOrMove(late, 1000, Long.MAX_VALUE, () -> { });

        // Given up between the choice (under the session's lock) and the hand-over (under the move's).
        move.abandoned(true);
        assertThat(offer).isEqualTo(new Session.Moving(move));
        move.takeLate(late);

        assertThat(forwarder.sent).isEmpty();
        var attached = registry.connect(persistent(), new RecordingConnection());
        assertThat(topics(attached.queued())).containsExactly("1", "2");
    }
}
