package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.StandaloneCluster;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a publish costs the cluster's de-duplication of moved sessions, on a clock the test moves:
 * an identity on the thread only while a session may move here or away; otherwise (before the
 * first move, and once the time of the last one ran out) nothing is made and the thread is not
 * consulted.
 */
class MessageForwardingTest {

    private static final SubscriberId S = new SubscriberId("", "mover");
    /** How long a move marks the deliveries of its node (MessageForwarding). */
    private static final long MARKING_NANOS = TimeUnit.MINUTES.toNanos(15);

    private final AtomicLong nanos = new AtomicLong(1);
    private final HookDispatcher dispatcher = new HookDispatcher(new HookRegistry(), DispatchSettings.defaults());
    private final SessionRegistry registry = new SessionRegistry(BrokerSettings.DEFAULT, dispatcher,
            new Router(BrokerSettings.DEFAULT, new SubscriptionTree(), new RetainedStore()), new BrokerStats());
    private final StandaloneCluster cluster = new StandaloneCluster(new ClusterSettings(true, "n1",
            new ClusterSettings.Endpoint("127.0.0.1", 0), List.of(), new ClusterSettings.Endpoint("127.0.0.1", 0),
            false, true, true));
    private final MessageForwarding forwarding = new MessageForwarding(cluster, registry.handover(), nanos::get);

    @AfterEach
    void tearDown() {
        forwarding.done();
        cluster.close();
        registry.close();
        dispatcher.close();
    }

    @Test
    void beforeAnySessionMovedAPublishGetsNoIdentity() {
        assertThat(forwarding.publishing()).isFalse();
        assertThat(forwarding.current()).isNull();
    }

    @Test
    void whileASessionMovesHereAPublishCarriesItsIdentityOnTheThreadUntilItIsDone() {
        forwarding.arriving(S);

        assertThat(forwarding.publishing()).isTrue();
        assertThat(forwarding.current()).isNotNull();
        forwarding.done();
        assertThat(forwarding.current()).isNull();
    }

    @Test
    void onceTheTimeOfTheLastMoveRanOutAPublishNeitherGetsAnIdentityNorReadsTheThread() {
        forwarding.arriving(S);
        // An identity left on the thread (no done()): whether it is still read shows whether the thread is consulted.
        assertThat(forwarding.publishing()).isTrue();

        nanos.addAndGet(MARKING_NANOS);

        assertThat(forwarding.publishing()).isFalse();
        assertThat(forwarding.current()).as("the identity on the thread, read after the marking time").isNull();
    }

    @Test
    void aMoveAfterTheMarkingTimeRanOutMarksAgain() {
        forwarding.arriving(S);
        nanos.addAndGet(MARKING_NANOS);
        assertThat(forwarding.publishing()).isFalse();

        forwarding.forwarder(S, "n2");

        assertThat(forwarding.publishing()).isTrue();
        assertThat(forwarding.current()).isNotNull();
    }
}
