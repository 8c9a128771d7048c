package io.polyhook.broker.session;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.ReferenceCountUtil;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.connection.EmbeddedCore;
import io.polyhook.broker.store.InMemoryBrokerStore;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live subscriber of a session in the durable store whose socket stays unwritable while its
 * publishers go on (slow_consumer_policy drop): what its connection's {@link OutboundJournal}
 * tracks of the stored queue stays within the outgoing queue's bound ({@code max_online_messages}),
 * however long it stays behind, and what it dropped leaves the stored queue.
 */
class StoredQueueBehindASlowSubscriberTest {

    private static final int MAX_ONLINE = 10;
    private static final int PUBLISHED = 300;
    private static final SubscriberId SLOW = new SubscriberId("", "slow");

    private final EmbeddedCore core = new EmbeddedCore(BrokerSettings.DEFAULT.withAllowAnonymous(true)
            .withMaxOnlineMessages(MAX_ONLINE));
    private final InMemoryBrokerStore store = new InMemoryBrokerStore();
    private OutboundJournal journal;

    @BeforeEach
    void aSlowSubscriberBehindPublishedMessages() throws InterruptedException {
        core.sessions.persistence(new DurableSessions(Optional.of(store)));
        EmbeddedChannel subscriber = core.connected(SLOW.clientId(), false);
        core.subscribed(subscriber, "t");
        journal = core.sessions.lookup(SLOW).journal();
        assertThat(journal).isNotNull();
        // The socket takes nothing more: every message waits in the outbox, beyond its bound the oldest are dropped.
        subscriber.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        assertThat(subscriber.isWritable()).isFalse();

        EmbeddedChannel publisher = core.connected("publisher", true);
        for (int i = 1; i <= PUBLISHED; i++) {
            publisher.writeInbound(MqttMessageBuilders.publish().topicName("t").qos(MqttQoS.AT_LEAST_ONCE).messageId(i)
                    .payload(Unpooled.copiedBuffer("m" + i, StandardCharsets.UTF_8)).build());
        }
        assertThat(release(core.outbound(publisher, PUBLISHED))).as("every PUBACK, after its store write").isEqualTo(PUBLISHED);
        // The drops' store changes are written with the subscriber's next flush.
        subscriber.runPendingTasks();
    }

    @AfterEach
    void tearDown() {
        core.close();
        store.close();
    }

    @Test
    void itsJournalTracksNoMoreOfTheStoredQueueThanItsOutgoingQueueHolds() {
        assertThat(journal.tracked()).isLessThanOrEqualTo(MAX_ONLINE);
    }

    @Test
    void whatItDroppedLeavesTheStoredQueue() {
        assertThat(store.queueSize(SLOW).messages()).isLessThanOrEqualTo(MAX_ONLINE);
        assertThat(core.stats.messagesDropped()).isEqualTo(PUBLISHED - MAX_ONLINE);
    }

    private static int release(List<Object> packets) {
        packets.forEach(ReferenceCountUtil::release);
        return packets.size();
    }
}
