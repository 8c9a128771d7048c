package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterCommands;
import io.polyhook.broker.cluster.ClusterRetained;
import io.polyhook.broker.cluster.ClusterTables;
import io.polyhook.broker.cluster.DataPlane;
import io.polyhook.broker.cluster.ForwardedMessage;
import io.polyhook.broker.cluster.Membership;
import io.polyhook.broker.cluster.MessageId;
import io.polyhook.broker.cluster.RemoteDelivery;
import io.polyhook.broker.cluster.RemoteMatch;
import io.polyhook.broker.cluster.RouteTable;
import io.polyhook.broker.cluster.SessionOwnership;
import io.polyhook.broker.cluster.StandaloneCluster;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.session.Adoption;
import io.polyhook.broker.session.ClientAttachment;
import io.polyhook.broker.session.Handover;
import io.polyhook.broker.session.InFlight;
import io.polyhook.broker.session.QueuePolicy;
import io.polyhook.broker.session.RecordingConnection;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.Registration;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A persistent session {@code S} moved from node {@code old} to node {@code new}: every message
 * for it reaches it on the new node exactly once, whichever ways it took (forwarded by the old
 * node, by a route of the new node, or both), and whenever the new node's route became known.
 * Two nodes' routing and forwarding in one JVM over a recorded link that the test delivers.
 */
class MovedSessionDeliveryTest {

    private static final SubscriberId S = new SubscriberId("", "mover");
    private static final String TOPIC = "flow";

    private final RecordedNode old = new RecordedNode("old");
    private final RecordedNode now = new RecordedNode("new");

    @AfterEach
    void close() {
        old.close();
        now.close();
    }

    /** The session's state on the old node once it left: its subscription forwards to the new node. */
    private void sessionLeftOldNode() {
        old.router.tree().subscribe("", S, TopicSubscription.of(TOPIC, 2));
        old.router.addTarget(S, old.forwarding.forwarder(S, now.name));
    }

    /** The new node writes and installs the session, as a move does (no durable store: the heap). */
    private void sessionInstalledOnNewNode() {
        Adoption adoption = adoptOnNewNode();
        adoption.install();
    }

    private Adoption adoptOnNewNode() {
        Adoption adoption = now.registry.handover().adopt(new Handover(S, 3600, List.of(TopicSubscription.of(TOPIC, 2)),
                List.<InFlight>of(), List.of()), now.forwarding.arriving(S));
        adoption.begin();
        adoption.written();
        return adoption;
    }

    private static Message message(String text) {
        return Message.of(TOPIC, 2, Bytes.utf8(text), false, MqttProperties.EMPTY, "pub");
    }

    /** What the session holds for its client on the new node, as it connects. */
    private List<String> receivedOnNewNode() {
        var attached = now.registry.connect(new ClientAttachment(S, false, 3600, now.dispatcher.newLane(S.clientId()),
                MqttVersion.V5, QueuePolicy.DEFAULT, Optional.empty(), true), new RecordingConnection());
        return attached.queued().stream().map(m -> m.payload().toUtf8String()).toList();
    }

    @Test
    void aMessagePublishedOnTheOldNodeAsTheNewNodesRouteArrivesReachesTheSessionOnce() {
        sessionLeftOldNode();
        sessionInstalledOnNewNode();
        // The new node's route becomes known on the old node between its forwarder and its routing step.
        old.cluster.onForward = () -> old.cluster.routeTo(now.name);

        old.router.publish("", message("1"));
        old.link.deliverTo(now);

        assertThat(receivedOnNewNode()).containsExactly("1");
    }

    @Test
    void aMessagePublishedOnTheOldNodeOnceTheNewNodesRouteIsKnownReachesTheSessionOnce() {
        sessionLeftOldNode();
        sessionInstalledOnNewNode();
        old.cluster.routeTo(now.name);

        old.router.publish("", message("1"));
        old.link.deliverTo(now);

        assertThat(receivedOnNewNode()).containsExactly("1");
    }

    @Test
    void aRouteOfTheNewNodeForOtherSubscribersBeforeTheSessionIsInstalledThereLosesNothing() {
        sessionLeftOldNode();
        now.router.tree().subscribe("", new SubscriberId("", "other"), TopicSubscription.of(TOPIC, 1));
        old.cluster.routeTo(now.name);
        Adoption adoption = adoptOnNewNode();

        old.router.publish("", message("1"));
        old.link.deliverTo(now);
        adoption.install();

        assertThat(receivedOnNewNode()).containsExactly("1");
    }

    @Test
    void aMessageFromAThirdNodeThatCameByTheRouteAndForwardedReachesTheSessionOnceInEitherOrder() {
        sessionLeftOldNode();
        sessionInstalledOnNewNode();
        RemoteDelivery first = new RemoteDelivery(new MessageId("third", 1), "", message("1"), true, List.of());
        RemoteDelivery second = new RemoteDelivery(new MessageId("third", 2), "", message("2"), true, List.of());

        now.routing.received(first);            // by the route first
        old.routing.received(first);
        old.routing.received(second);           // forwarded first
        old.link.deliverTo(now);
        now.routing.received(second);

        assertThat(receivedOnNewNode()).containsExactly("1", "2");
    }

    @Test
    void aMessagePublishedOnTheNewNodeIsNotForwardedBackToTheSession() {
        sessionLeftOldNode();
        sessionInstalledOnNewNode();
        // The old node's route (the session's subscription, kept while it forwards) is known on the new node.
        now.cluster.routeTo(old.name);

        now.router.publish("", message("1"));
        now.link.deliverTo(old);
        old.link.deliverTo(now);

        assertThat(receivedOnNewNode()).containsExactly("1");
    }

    @Test
    void whatReachesASessionHandedOverBeforeTheNewNodeStartsWritingItWaitsAndReachesItAfterItsQueue() {
        // A clean leave: the old node hands the session over on its own, and its queue is sealed at once.
        old.router.tree().subscribe("", S, TopicSubscription.of(TOPIC, 2));
        MessageForwarding.Forwarder forwarder = old.forwarding.handingOver(S, now.name);
        old.router.addTarget(S, forwarder);

        old.router.publish("", message("1"));
        old.link.deliverTo(now);                // the new node has no session to put it in yet
        Adoption adoption = adoptOnNewNode();
        forwarder.release();                    // the new node reads the queue
        old.router.publish("", message("2"));
        old.link.deliverTo(now);
        adoption.install();

        assertThat(receivedOnNewNode()).containsExactly("1", "2");
    }

    @Test
    void whatWaitedForAHandOverThatWasGivenUpGoesBackIntoTheSessionHere() {
        MessageForwarding.Forwarder forwarder = old.forwarding.handingOver(S, now.name);
        forwarder.deliver(message("1"));
        // The session is this node's again (here with its client connected, to see what it gets).
        RecordingConnection client = new RecordingConnection();
        old.registry.connect(new ClientAttachment(S, false, 3600, old.dispatcher.newLane(S.clientId()),
                MqttVersion.V5, QueuePolicy.DEFAULT, Optional.empty(), true), client);

        forwarder.returnHere();
        forwarder.deliver(message("2"));

        assertThat(old.link.sent).isEmpty();
        assertThat(client.delivered).extracting(m -> m.payload().toUtf8String()).containsExactly("1", "2");
    }
}
