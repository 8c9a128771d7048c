package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.polyhook.broker.cluster.NetsplitState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Three brokers in one JVM through a partition (JGroups' DISCARD on the links to one node, and
 * the data plane blocked) and its heal, and through a clean leave.
 */
class ClusterMembershipTest {

    @Test
    void aPartitionRefusesRegistrationOnTheMinorityAndTheHealBringsEveryRouteBack() throws Exception {
        try (BrokerCluster cluster = BrokerCluster.of(3)) {
            Mqtt5BlockingClient onThree = cluster.v5(3, "minority-sub");
            Mqtt5BlockingClient onOne = cluster.v5(1, "majority-sub");
            try (var three = onThree.publishes(MqttGlobalPublishFilter.ALL);
                 var one = onOne.publishes(MqttGlobalPublishFilter.ALL)) {
                onThree.subscribeWith().topicFilter("before/#").qos(MqttQos.AT_LEAST_ONCE).send();
                cluster.awaitRoute(1, "before/x", 3);

                BrokerCluster.infinispan(cluster.node(1)).faults().isolateFrom(List.of("node3"));
                BrokerCluster.infinispan(cluster.node(2)).faults().isolateFrom(List.of("node3"));
                BrokerCluster.infinispan(cluster.node(3)).faults().isolateFrom(List.of("node1", "node2"));
                BrokerCluster.await("both sides see the split", () ->
                        cluster.node(3).cluster().membership().view().netsplit() == NetsplitState.MINORITY
                                && cluster.node(1).cluster().membership().view().netsplit() == NetsplitState.MAJORITY);

                // allow_register_during_netsplit: false: CONNECT is refused on the minority side only.
                assertThatThrownBy(() -> cluster.v5(3, "newcomer"))
                        .isInstanceOf(Mqtt5ConnAckException.class)
                        .satisfies(e -> assertThat(((Mqtt5ConnAckException) e).getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE));
                cluster.v5(1, "newcomer-majority");
                // allow_subscribe_during_netsplit: true: served on both sides; the other learns it after the heal.
                onOne.subscribeWith().topicFilter("during/#").qos(MqttQos.AT_LEAST_ONCE).send();

                for (var f : List.of(1, 2, 3)) {
                    BrokerCluster.infinispan(cluster.node(f)).faults().heal();
                }
                cluster.awaitMembers(3);
                cluster.awaitRoute(1, "before/x", 3);
                cluster.awaitRoute(3, "during/x", 1);

                cluster.v5(1, "after-pub-1").publishWith().topic("before/x").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(bytes("to three")).send();
                cluster.v5(3, "after-pub-3").publishWith().topic("during/x").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(bytes("to one")).send();
                assertThat(text(three.receive(60, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()))
                        .isEqualTo("to three");
                assertThat(text(one.receive(60, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()))
                        .isEqualTo("to one");
                cluster.v5(3, "newcomer");
            }
        }
    }

    @Test
    void aNodeThatLeavesCleanlyHandsItsPersistentSessionsOver() throws Exception {
        try (BrokerCluster cluster = BrokerCluster.of(3)) {
            Mqtt5BlockingClient c = cluster.track(cluster.builder(3, "stayer").buildBlocking());
            c.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
            c.subscribeWith().topicFilter("handed/#").qos(MqttQos.AT_LEAST_ONCE).send();
            c.disconnect();
            cluster.awaitRoute(1, "handed/x", 3);
            Mqtt5BlockingClient pub = cluster.v5(1, "handed-pub");
            for (int i = 0; i < 5; i++) {
                pub.publishWith().topic("handed/x").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m" + i)).send();
            }
            BrokerCluster.await("node 3 queued them", () -> cluster.node(3).queuedBytes() >= 5 * 128L);

            cluster.node(3).close();
            cluster.awaitMembersOf(2, 1, 2);
            assertThat(cluster.node(1).sessionCount() + cluster.node(2).sessionCount())
                    .as("the offline session lives on another node").isGreaterThanOrEqualTo(1);

            Mqtt5BlockingClient back = cluster.track(cluster.builder(1, "stayer").buildBlocking());
            try (var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
                assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(600).send().isSessionPresent())
                        .isTrue();
                for (int i = 0; i < 5; i++) {
                    assertThat(text(in.receive(60, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())).isEqualTo("m" + i);
                }
            }
        }
    }
}
