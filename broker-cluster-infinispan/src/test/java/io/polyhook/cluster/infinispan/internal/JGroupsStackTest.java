package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.cluster.infinispan.ClusterTuning;
import org.jgroups.JChannel;
import org.jgroups.protocols.TCP;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JGroupsStackTest {

    /**
     * A claim's compare-and-set is a small request and its answer: with Nagle's algorithm on (JGroups'
     * own default), one written behind an unacknowledged one waits for the peer's delayed ACK, 40 ms on
     * Linux, and a takeover across nodes paid that once or twice.
     */
    @Test
    void theLinksBetweenNodesSendSmallMessagesAtOnce() throws Exception {
        ClusterSettings.Endpoint any = new ClusterSettings.Endpoint("127.0.0.1", 0);
        ClusterSettings settings = new ClusterSettings(true, "node1", any, List.of(), any, false, true, true);
        try (JChannel channel = JGroupsStack.channel(settings, ClusterTuning.DEFAULT)) {
            TCP tcp = channel.getProtocolStack().findProtocol(TCP.class);
            assertThat(tcp.tcpNodelay()).isTrue();
        }
    }
}
