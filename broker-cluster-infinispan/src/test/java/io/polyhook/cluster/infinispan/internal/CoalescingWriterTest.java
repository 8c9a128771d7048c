package io.polyhook.cluster.infinispan.internal;

import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.commons.CacheException;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer of a node's own cluster entries when the cache refuses writes for a while, as a
 * replicated cache does between the topologies that follow a crash: over a real (local)
 * Infinispan cache whose writes fail a given number of times.
 */
class CoalescingWriterTest {

    private DefaultCacheManager manager;
    private Cache<String, String> real;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile CountDownLatch writing = new CountDownLatch(0);
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final ExecutorService writerThread = Executors.newSingleThreadExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger purgeFailures = new AtomicInteger();

    @BeforeEach
    void start() {
        manager = new DefaultCacheManager();
        manager.defineConfiguration("c", new ConfigurationBuilder().build());
        real = manager.getCache("c");
    }

    @AfterEach
    void stop() {
        writerThread.shutdownNow();
        timer.shutdownNow();
        manager.stop();
    }

    /** The real cache, with every putAll and remove failing while failures are left, or held until released. */
    @SuppressWarnings("unchecked")
    private AdvancedCache<String, String> failing() {
        AdvancedCache<String, String> target = real.getAdvancedCache();
        return (AdvancedCache<String, String>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AdvancedCache.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getAdvancedCache", "withFlags" -> {
                            return proxy;
                        }
                        case "putAll", "remove" -> {
                            attempts.incrementAndGet();
                            writing.countDown();
                            release.await(30, TimeUnit.SECONDS);
                            if (failuresLeft.getAndDecrement() > 0) {
                                throw new CacheException("the cache is between topologies");
                            }
                        }
                        default -> {
                        }
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private CoalescingWriter<String> writer(boolean retryOwn) {
        return new CoalescingWriter<>(failing(), writerThread, timer, purgeFailures::incrementAndGet, retryOwn);
    }

    @Test
    void aWriteThatFailsIsTriedAgainUntilItReachesTheCache() {
        CoalescingWriter<String> w = writer(true);
        failuresLeft.set(3);
        w.put("node1|route", "1");
        await("the route is in the cache", () -> "1".equals(real.get("node1|route")));
        assertThat(attempts.get()).isEqualTo(4);
        await("the writer is idle", w::idle);
    }

    @Test
    void aNewerStateQueuedWhileAWriteFailsWinsOverTheRetry() throws Exception {
        CoalescingWriter<String> w = writer(true);
        failuresLeft.set(1);
        writing = new CountDownLatch(1);
        release = new CountDownLatch(1);
        w.put("node1|route", "1");
        assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
        w.remove("node1|route"); // the unsubscribe that follows, while the subscribe's write is failing
        release.countDown();
        await("the writer is idle", w::idle);
        assertThat(real.containsKey("node1|route")).isFalse();
    }

    @Test
    void theWriterIsNotIdleWhileAWriteIsOnItsWay() throws Exception {
        CoalescingWriter<String> w = writer(true);
        writing = new CountDownLatch(1);
        release = new CountDownLatch(1);
        w.put("node1|route", "1");
        assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(w.idle()).as("the write has not reached the cache").isFalse();
        release.countDown();
        await("the writer is idle", w::idle);
        assertThat(real.get("node1|route")).isEqualTo("1");
    }

    @Test
    void aFailedPurgeIsReportedOnceAfterTheDelayAndNotRetriedByItself() throws Exception {
        real.put("node3|route", "1");
        CoalescingWriter<String> w = writer(true);
        failuresLeft.set(1);
        w.purge("node3|route");
        await("the failure is reported", () -> purgeFailures.get() == 1);
        await("the writer is idle", w::idle);
        assertThat(attempts.get()).as("whoever was told decides whether to purge again").isEqualTo(1);
        assertThat(real.containsKey("node3|route")).isTrue();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            // Polling a condition with a deadline, not sleeping for a guessed time.
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
    }
}
