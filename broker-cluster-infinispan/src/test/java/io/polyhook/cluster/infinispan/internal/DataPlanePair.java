package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.config.ClusterSettings;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Two data planes on 127.0.0.1 that know each other's address, without the rest of a cluster. */
final class DataPlanePair implements AutoCloseable {

    final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    final Map<String, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    final NettyDataPlane a;
    final NettyDataPlane b;

    DataPlanePair(long queueBytes) throws Exception {
        ClusterSettings.Endpoint any = new ClusterSettings.Endpoint("127.0.0.1", 0);
        a = new NettyDataPlane("a", any, queueBytes, Duration.ofSeconds(30), n -> Optional.ofNullable(addresses.get(n)), workers);
        b = new NettyDataPlane("b", any, queueBytes, Duration.ofSeconds(30), n -> Optional.ofNullable(addresses.get(n)), workers);
        addresses.put("a", a.boundAddress());
        addresses.put("b", b.boundAddress());
    }

    @Override
    public void close() {
        a.close();
        b.close();
        workers.shutdownNow();
    }
}
