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
 * A connection past a limit is closed as soon as it is accepted, before a byte is read: nothing
 * is allocated for it, and a flood from one address cannot crowd out the others.
 */
final class ConnectionLimits {

    private final int maxTotal;
    private final int maxPerIp;
    private final BrokerStats stats;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();

    ConnectionLimits(BrokerSettings settings, BrokerStats stats) {
        this.maxTotal = settings.maxConnections();
        this.maxPerIp = settings.maxConnectionsPerIp();
        this.stats = stats;
    }

    /**
     * Counts {@code ch} against the limits until it closes. Returns false (and counts nothing)
     * if a limit is reached; the caller then closes it.
     */
    boolean admit(Channel ch) {
        if (maxTotal <= 0 && maxPerIp <= 0) {
            return true;
        }
        if (total.incrementAndGet() > maxTotal && maxTotal > 0) {
            total.decrementAndGet();
            stats.connectionRefused();
            return false;
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
                return false;
            }
        }
        ch.closeFuture().addListener(f -> {
            total.decrementAndGet();
            if (maxPerIp > 0 && ip != null) {
                release(ip);
            }
        });
        return true;
    }

    private void release(InetAddress ip) {
        // Remove the entry at zero, so that addresses seen once do not stay in the map.
        perIp.computeIfPresent(ip, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }
}
