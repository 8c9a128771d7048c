package io.polyhook.core.provider;

import io.polyhook.core.provider.testing.RecordingLogger;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolRegistryTest {

    /** A stand-in for a connection pool, remembering its settings and whether it was closed. */
    static class FakePool implements AutoCloseable {
        final String settings;
        final List<String> closeLog;
        volatile boolean closed;

        FakePool(String settings, List<String> closeLog) {
            this.settings = settings;
            this.closeLog = closeLog;
        }

        @Override
        public void close() {
            closed = true;
            closeLog.add(settings);
        }
    }

    /** Another provider's pool type. */
    static final class OtherPool implements AutoCloseable {
        @Override
        public void close() {
        }
    }

    private final List<String> closeLog = Collections.synchronizedList(new ArrayList<>());
    private final PoolRegistry registry = PoolRegistry.create();

    @Test
    void ensureCreatesPoolOnceAndKeepsFirstSettings() {
        AtomicInteger calls = new AtomicInteger();

        FakePool first = registry.ensure("auth", FakePool.class, () -> {
            calls.incrementAndGet();
            return new FakePool("size=5", closeLog);
        });
        FakePool second = registry.ensure("auth", FakePool.class, () -> {
            calls.incrementAndGet();
            return new FakePool("size=50", closeLog);
        });

        assertThat(second).isSameAs(first);
        assertThat(second.settings).isEqualTo("size=5");
        assertThat(calls).hasValue(1);
    }

    @Test
    void ensureWithAnotherTypeNamesPoolAndBothTypes() {
        registry.ensure("shared", FakePool.class, () -> new FakePool("a", closeLog));

        assertThatThrownBy(() -> registry.ensure("shared", OtherPool.class, OtherPool::new))
                .isExactlyInstanceOf(ProviderException.class)
                .hasMessageContaining("shared")
                .hasMessageContaining(FakePool.class.getName())
                .hasMessageContaining(OtherPool.class.getName());
    }

    @Test
    void getOfUnknownPoolFailsWithUnknownPool() {
        assertThatThrownBy(() -> registry.get("nope", FakePool.class))
                .isExactlyInstanceOf(ProviderException.class)
                .hasMessage("unknown pool: nope");
    }

    @Test
    void getReturnsEnsuredPool() {
        FakePool pool = registry.ensure("p", FakePool.class, () -> new FakePool("a", closeLog));

        assertThat(registry.get("p", FakePool.class)).isSameAs(pool);
        assertThat(registry.get("p", AutoCloseable.class)).isSameAs(pool);
    }

    @Test
    void concurrentEnsureFromSixteenThreadsCreatesOnePool() throws Exception {
        int threads = 16;
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<FakePool>> results = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                String settings = "thread-" + i;
                results.add(executor.submit(() -> {
                    start.await();
                    return registry.ensure("hot", FakePool.class, () -> {
                        calls.incrementAndGet();
                        sleep(50); // a slow connect, so the others arrive while it runs
                        return new FakePool(settings, closeLog);
                    });
                }));
            }
            start.countDown();
            FakePool first = results.getFirst().get(10, TimeUnit.SECONDS);
            for (Future<FakePool> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isSameAs(first);
            }
        }
        assertThat(calls).hasValue(1);
        assertThat(registry.ids()).containsExactly("hot");
    }

    @Test
    void closeClosesAllInReverseCreationOrderAndLaterEnsureFails() {
        FakePool a = registry.ensure("a", FakePool.class, () -> new FakePool("a", closeLog));
        FakePool b = registry.ensure("b", FakePool.class, () -> new FakePool("b", closeLog));
        FakePool c = registry.ensure("c", FakePool.class, () -> new FakePool("c", closeLog));

        registry.close();

        assertThat(closeLog).containsExactly("c", "b", "a");
        assertThat(List.of(a, b, c)).allMatch(p -> p.closed);
        assertThat(registry.ids()).isEmpty();
        assertThatThrownBy(() -> registry.ensure("d", FakePool.class, () -> new FakePool("d", closeLog)))
                .isExactlyInstanceOf(ProviderException.class)
                .hasMessage("pool registry is closed");
    }

    @Test
    void failingPoolCloseIsLoggedAndOthersAreStillClosed() {
        RecordingLogger log = new RecordingLogger("io.polyhook.core.provider");
        PoolRegistry registry = new ConcurrentPoolRegistry(log.logger());
        RuntimeException boom = new IllegalStateException("boom");
        FakePool first = registry.ensure("first", FakePool.class, () -> new FakePool("first", closeLog));
        registry.ensure("broken", FakePool.class, () -> new FakePool("broken", closeLog) {
            @Override
            public void close() {
                throw boom;
            }
        });
        FakePool last = registry.ensure("last", FakePool.class, () -> new FakePool("last", closeLog));

        registry.close();

        assertThat(first.closed).isTrue();
        assertThat(last.closed).isTrue();
        assertThat(log.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.level()).isEqualTo("warn");
            assertThat(entry.arguments()).containsExactly("broken", boom);
        });
    }

    @Test
    void factoryExceptionLeavesNoEntryAndPropagatesClassAndMessage() {
        assertThatThrownBy(() -> registry.ensure("db", FakePool.class, () -> {
            throw new IllegalStateException("connection refused");
        }))
                .isExactlyInstanceOf(ProviderException.class)
                .hasMessage("cannot create pool db: java.lang.IllegalStateException: connection refused")
                .hasCauseInstanceOf(IllegalStateException.class);

        assertThat(registry.contains("db")).isFalse();
        assertThat(registry.ids()).isEmpty();
        FakePool retried = registry.ensure("db", FakePool.class, () -> new FakePool("ok", closeLog));
        assertThat(retried.settings).isEqualTo("ok");
    }

    @Test
    void factoryReturningNullLeavesNoEntry() {
        assertThatThrownBy(() -> registry.ensure("db", FakePool.class, () -> null))
                .isExactlyInstanceOf(ProviderException.class)
                .hasMessageContaining("returned null");

        assertThat(registry.contains("db")).isFalse();
    }

    @Test
    void removeClosesPoolAndForgetsIt() {
        FakePool pool = registry.ensure("p", FakePool.class, () -> new FakePool("p", closeLog));

        assertThat(registry.remove("p")).isTrue();

        assertThat(pool.closed).isTrue();
        assertThat(registry.contains("p")).isFalse();
        assertThat(registry.remove("p")).isFalse();
    }

    @Test
    void idsAreInCreationOrder() {
        for (String id : List.of("zeta", "alpha", "mid")) {
            registry.ensure(id, FakePool.class, () -> new FakePool(id, closeLog));
        }

        assertThat(registry.ids()).containsExactly("zeta", "alpha", "mid");
        assertThat(registry.contains("alpha")).isTrue();
    }

    @Test
    void factoryMayEnsureAnotherPool() {
        FakePool outer = registry.ensure("outer", FakePool.class, () -> {
            registry.ensure("inner", FakePool.class, () -> new FakePool("inner", closeLog));
            return new FakePool("outer", closeLog);
        });

        assertThat(outer.settings).isEqualTo("outer");
        assertThat(registry.ids()).containsExactly("inner", "outer");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
