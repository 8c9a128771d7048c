package io.polyhook.broker.transport;

import io.netty.channel.Channel;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.sys.BrokerStats;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code broker.max_connections} and {@code broker.max_connections_per_ip}, over every listener.
 * A connection past a limit takes no slot: it is only read up to its CONNECT, to answer why it is
 * refused. At most {@link #MAX_REFUSING} such connections are read at once; past that a refused
 * connection is closed as soon as it is accepted, so a flood of them cannot hold more than a
 * bounded amount of memory, and a flood from one address cannot crowd out the others.
 */
final class ConnectionLimits {

    /** What {@link #admit} decided. */
    enum Admission {
        /** Counted against the limits until it closes. */
        ADMITTED,
        /** Over {@code max_connections}. */
        OVER_TOTAL,
        /** Over {@code max_connections_per_ip}. */
        OVER_PER_IP
    }

    /**
     * Refused connections read at once for their CONNECT. Each holds at most one packet of
     * {@code broker.max_packet_size} for at most {@code broker.connect_timeout}.
     */
    static final int MAX_REFUSING = 64;

    private final int maxTotal;
    private final int maxPerIp;
    private final BrokerStats stats;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();
    private final AtomicInteger refusing = new AtomicInteger();

    ConnectionLimits(BrokerSettings settings, BrokerStats stats) {
        this.maxTotal = settings.maxConnections();
        this.maxPerIp = settings.maxConnectionsPerIp();
        this.stats = stats;
    }

    /**
     * Counts {@code ch} against the limits until it closes, or (counting nothing) says which
     * limit is reached.
     */
    Admission admit(Channel ch) {
        if (maxTotal <= 0 && maxPerIp <= 0) {
            return Admission.ADMITTED;
        }
        if (total.incrementAndGet() > maxTotal && maxTotal > 0) {
            total.decrementAndGet();
            stats.connectionRefused();
            return Admission.OVER_TOTAL;
        }
        InetAddress ip = ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (maxPerIp > 0 && ip != null) {
            AtomicInteger n = perIp.compute(ip, (k, v) -> {
                AtomicInteger c = v == null ? new AtomicInteger() : v;
                c.incrementAndGet();
                return c;
            });
            if (n.get() > maxPerIp) {
                release(ip);
                total.decrementAndGet();
                stats.connectionRefused();
                return Admission.OVER_PER_IP;
            }
        }
        ch.closeFuture().addListener(f -> {
            total.decrementAndGet();
            if (maxPerIp > 0 && ip != null) {
                release(ip);
            }
        });
        return Admission.ADMITTED;
    }

    /**
     * Whether refused {@code ch} may be read for its CONNECT (then it counts among those being
     * refused until it closes), or must be closed at once because {@link #MAX_REFUSING} are.
     */
    boolean mayExplainRefusal(Channel ch) {
        if (refusing.incrementAndGet() > MAX_REFUSING) {
            refusing.decrementAndGet();
            return false;
        }
        ch.closeFuture().addListener(f -> refusing.decrementAndGet());
        return true;
    }

    private void release(InetAddress ip) {
        // Remove the entry at zero, so that addresses seen once do not stay in the map.
        perIp.computeIfPresent(ip, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }
}
