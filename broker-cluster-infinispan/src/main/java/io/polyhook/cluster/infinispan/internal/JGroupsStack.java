package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.cluster.infinispan.ClusterTuning;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The JGroups stack of a node: Infinispan's default TCP stack, with discovery by the configured
 * seeds (TCPPING) instead of multicast, and heartbeat failure detection (FD_ALL3) whose timeout
 * the tuning sets. No FD_SOCK2: it listens on the bind port plus an offset, which does not fit
 * ephemeral ports, and FD_ALL3 catches crashed and cut-off nodes alike.
 */
public final class JGroupsStack {

    private JGroupsStack() {
    }

    /** A channel named after the node, bound to {@code settings.bind()}, not connected yet. */
    public static JChannel channel(ClusterSettings settings, ClusterTuning tuning) throws Exception {
        List<InetSocketAddress> seeds = new ArrayList<>();
        for (ClusterSettings.Endpoint seed : settings.seeds()) {
            if (seed.port() != 0) {
                seeds.add(new InetSocketAddress(InetAddress.getByName(seed.host()), seed.port()));
            }
        }
        long fd = tuning.failureDetection().toMillis();
        long merge = tuning.mergeInterval().toMillis();
        TCP tcp = new TCP();
        InetAddress bindAddress = InetAddress.getByName(settings.bind().host());
        tcp.setBindAddress(bindAddress);
        // JGroups needs a fixed port with static discovery; port 0 (tests) takes one the OS has free now.
        tcp.setBindPort(settings.bind().port() != 0 ? settings.bind().port() : freePort(bindAddress));
        tcp.setPortRange(0);
        // JGroups' own default is false; Infinispan's default TCP stack turns Nagle off too. With it on, a
        // small request written behind an unacknowledged one waits for the peer's delayed ACK (40 ms on
        // Linux): every claim's compare-and-set and every replicated write can pay that.
        tcp.tcpNodelay(true);
        List<Protocol> stack = new ArrayList<>();
        stack.add(tcp);
        if (tuning.faultInjection()) {
            stack.add(new DISCARD());
        }
        stack.add(new TCPPING().setInitialHosts(seeds).setPortRange(0));
        stack.add(new MERGE3().setMinInterval(Math.max(500, merge / 3)).setMaxInterval(merge));
        stack.add(new FD_ALL3().setTimeout(fd).setInterval(Math.max(200, fd / 4)));
        stack.add(new VERIFY_SUSPECT2().setTimeout(Math.max(200, fd / 5)));
        stack.add(new NAKACK2().setValue("use_mcast_xmit", false));
        stack.add(new UNICAST3());
        stack.add(new STABLE());
        stack.add(new GMS().setJoinTimeout(2_000).setValue("print_local_addr", false));
        stack.add(new UFC());
        stack.add(new MFC());
        stack.add(new FRAG4());
        JChannel channel = new JChannel(stack);
        channel.name(settings.nodeName());
        return channel;
    }

    private static int freePort(InetAddress address) throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, address)) {
            return s.getLocalPort();
        }
    }
}
