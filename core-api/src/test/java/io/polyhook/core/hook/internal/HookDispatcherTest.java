package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.TimeoutFallback;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.ReasonCode;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class HookDispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HookRegistry registry = new HookRegistry();
    private final AtomicLong fakeNanos = new AtomicLong();
    private HookDispatcher dispatcher = new HookDispatcher(registry, DispatchSettings.builder()
            .deadline(Duration.ofSeconds(5)).ticker(fakeNanos::get).watchdogInterval(Duration.ofMillis(2)).build());

    @AfterEach
    void close() {
        dispatcher.close();
    }

    private ChainOutcome<PublishModifiers> publish(ClientLane lane) {
        return dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, Contexts.publish(lane.label(), "a/b"))
                .toCompletableFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    private void register(String plugin, ChainHandler<PublishContext, PublishModifiers> handler) {
        registry.registrar(HandlerOrigin.plugin(plugin), 0).register(Hooks.AUTH_ON_PUBLISH, handler);
    }

    @Test
    void chainWithoutHandlersIsUnhandledAtOnceOnTheCallersThread() {
        var stage = dispatcher.chain(dispatcher.newLane("c"), Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "t"));

        assertThat(stage.toCompletableFuture()).isCompletedWithValue(ChainOutcome.unhandled());
    }

    @Test
    void hookPointWithoutHandlersAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ClientLane lane = dispatcher.newLane("c");
        PublishContext context = Contexts.publish("c", "t");
        for (int i = 0; i < 20_000; i++) { // warm up so the JIT has settled
            dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, context);
            dispatcher.notify(lane, Hooks.ON_PUBLISH, context);
        }
        long thread = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, context);
            dispatcher.notify(lane, Hooks.ON_PUBLISH, context);
            dispatcher.has(Hooks.ON_DELIVER);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        // 200,000 dispatches: even one byte each would be 200 KB. Allow only the probe's own noise.
        assertThat(allocated).isLessThan(4_096);
    }

    @Test
    void queuedCallsWaitForWakeThenRunInOrder() throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        register("p", ctx -> {
            seen.add(ctx.topic());
            return Verdict.ok();
        });
        ClientLane lane = dispatcher.newLane("c");
        List<CompletableFuture<ChainOutcome<PublishModifiers>>> results = new ArrayList<>();
        for (String topic : List.of("a", "b", "c")) {
            results.add(dispatcher.chainQueued(lane, Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", topic)).toCompletableFuture());
        }
        Thread.sleep(100);
        assertThat(seen).isEmpty();
        assertThat(lane.isIdle()).isFalse();

        dispatcher.wake(lane);

        for (var r : results) {
            assertThat(r.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ChainOutcome.Allowed.class);
        }
        assertThat(seen).containsExactly("a", "b", "c");
    }

    @Test
    void aQueuedCallBehindARunningOneRunsWithoutWake() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        register("p", ctx -> {
            if (ctx.topic().equals("first")) {
                release.await();
            }
            return Verdict.ok();
        });
        ClientLane lane = dispatcher.newLane("c");
        var first = dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "first")).toCompletableFuture();
        var queued = dispatcher.chainQueued(lane, Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "second")).toCompletableFuture();
        release.countDown();

        assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ChainOutcome.Allowed.class);
        assertThat(queued.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ChainOutcome.Allowed.class);
    }

    @Test
    void handlersRunOnAVirtualThreadNeverOnTheCaller() {
        AtomicReference<Thread> ran = new AtomicReference<>();
        register("p", ctx -> {
            ran.set(Thread.currentThread());
            return Verdict.ok();
        });

        publish(dispatcher.newLane("c"));

        assertThat(ran.get()).isNotSameAs(Thread.currentThread());
        assertThat(ran.get().isVirtual()).isTrue();
    }

    @Test
    void denyKeepsTheReasonCodeAndString() {
        register("p", ctx -> Verdict.deny(ReasonCode.QUOTA_EXCEEDED, "slow down"));

        var outcome = publish(dispatcher.newLane("c"));

        assertThat(outcome).isEqualTo(new ChainOutcome.Denied<>(Optional.of(ReasonCode.QUOTA_EXCEEDED),
                Optional.of("slow down"), HandlerOrigin.plugin("p"), ChainOutcome.Cause.VERDICT));
    }

    @Test
    void modifiersNotAllowedForTheHookAreALoggedRejection() {
        register("p", ctx -> Verdict.ok(PublishModifiers.builder()
                .properties(MqttProperties.builder().contentType("x").build()).build()));

        var outcome = publish(dispatcher.newLane("c"));

        assertThat(outcome).isInstanceOfSatisfying(ChainOutcome.Denied.class,
                d -> assertThat(d.cause()).isEqualTo(ChainOutcome.Cause.INVALID_MODIFIERS));
        assertThat(registry.statistics().snapshot(HandlerOrigin.plugin("p")).getFirst().errors()).isEqualTo(1);
    }

    @Test
    void aHandlerThatMissesItsDeadlineIsDeniedByDefaultAndInterrupted() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        register("slow", ctx -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            return Verdict.ok();
        });
        ClientLane lane = dispatcher.newLane("c");
        // The watchdog sleeps while no lane has a thread: the call must wake it.
        await(() -> dispatcher.watchdogState() == Thread.State.WAITING);
        var pending = dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "t")).toCompletableFuture();
        assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        fakeNanos.addAndGet(Duration.ofSeconds(5).toNanos() + 1);

        assertThat(pending.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOfSatisfying(ChainOutcome.Denied.class,
                d -> assertThat(d.cause()).isEqualTo(ChainOutcome.Cause.TIMEOUT));
        await(interrupted::get);
        assertThat(registry.statistics().snapshot(HandlerOrigin.plugin("slow")).getFirst().timeouts()).isEqualTo(1);
    }

    @Test
    void anErrorInAWatchdogRoundDoesNotStopTheWatchdog() throws Exception {
        dispatcher.close();
        AtomicBoolean failOnce = new AtomicBoolean(true);
        dispatcher = new HookDispatcher(registry, DispatchSettings.builder().deadline(Duration.ofSeconds(5)).ticker(() -> {
            if (Thread.currentThread().getName().equals("polyhook-hook-watchdog") && failOnce.compareAndSet(true, false)) {
                throw new OutOfMemoryError("unable to create native thread (test)");
            }
            return fakeNanos.get();
        }).watchdogInterval(Duration.ofMillis(2)).build());
        CountDownLatch entered = new CountDownLatch(1);
        register("hangs", ctx -> {
            entered.countDown();
            Thread.sleep(Long.MAX_VALUE);
            return Verdict.ok();
        });
        var pending = dispatcher.chain(dispatcher.newLane("c"), Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "t"))
                .toCompletableFuture();
        assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await(() -> !failOnce.get());

        fakeNanos.addAndGet(Duration.ofSeconds(6).toNanos());

        assertThat(pending.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOfSatisfying(ChainOutcome.Denied.class,
                d -> assertThat(d.cause()).isEqualTo(ChainOutcome.Cause.TIMEOUT));
    }

    @Test
    void withTheNextFallbackATimedOutHandlerIsSkipped() throws Exception {
        dispatcher.close();
        dispatcher = new HookDispatcher(registry, DispatchSettings.builder().ticker(fakeNanos::get)
                .fallback(Hooks.AUTH_ON_PUBLISH, TimeoutFallback.NEXT).watchdogInterval(Duration.ofMillis(2)).build());
        CountDownLatch entered = new CountDownLatch(1);
        register("hangs", ctx -> {
            entered.countDown();
            Thread.sleep(Long.MAX_VALUE);
            return Verdict.deny();
        });
        register("decides", ctx -> Verdict.ok());
        var pending = dispatcher.chain(dispatcher.newLane("c"), Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "t"))
                .toCompletableFuture();
        assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        fakeNanos.addAndGet(Duration.ofSeconds(6).toNanos());

        assertThat(pending.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOfSatisfying(ChainOutcome.Allowed.class,
                a -> assertThat(a.decidedBy()).isEqualTo(HandlerOrigin.plugin("decides")));
    }

    @Test
    void aLaneMovesOnAfterATimeout() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch entered = new CountDownLatch(1);
        register("first-call-hangs", ctx -> {
            if (calls.incrementAndGet() == 1) {
                entered.countDown();
                Thread.sleep(Long.MAX_VALUE);
            }
            return Verdict.ok();
        });
        ClientLane lane = dispatcher.newLane("c");
        var first = dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "t")).toCompletableFuture();
        var second = dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "t")).toCompletableFuture();
        assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        fakeNanos.addAndGet(Duration.ofSeconds(6).toNanos());

        assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ChainOutcome.Denied.class);
        assertThat(second.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ChainOutcome.Allowed.class);
    }

    @Test
    void callsOfOneClientRunInOrderOneAtATimeFor1000ClientsTimes100Calls() throws Exception {
        int clients = 1_000;
        int callsPerClient = 100;
        List<List<Integer>> seen = new ArrayList<>();
        AtomicInteger[] running = new AtomicInteger[clients];
        AtomicInteger overlaps = new AtomicInteger();
        for (int c = 0; c < clients; c++) {
            seen.add(new ArrayList<>());
            running[c] = new AtomicInteger();
        }
        register("recorder", ctx -> {
            String[] parts = ctx.topic().split("/");
            int client = Integer.parseInt(parts[0]);
            if (running[client].incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            seen.get(client).add(Integer.parseInt(parts[1])); // safe only if calls never overlap
            running[client].decrementAndGet();
            return Verdict.ok();
        });
        ClientLane[] lanes = new ClientLane[clients];
        for (int c = 0; c < clients; c++) {
            lanes[c] = dispatcher.newLane("client-" + c);
        }
        // Four submitters, like four event loops, each owning a quarter of the clients.
        List<CompletableFuture<?>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> submitters = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            int first = s;
            submitters.add(Thread.ofPlatform().start(() -> {
                for (int call = 0; call < callsPerClient; call++) {
                    for (int c = first; c < clients; c += 4) {
                        all.add(dispatcher.chain(lanes[c], Hooks.AUTH_ON_PUBLISH,
                                Contexts.publish("client-" + c, c + "/" + call)).toCompletableFuture());
                    }
                }
            }));
        }
        for (Thread t : submitters) {
            t.join();
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);

        assertThat(overlaps.get()).isZero();
        List<Integer> expected = java.util.stream.IntStream.range(0, callsPerClient).boxed().toList();
        for (int c = 0; c < clients; c++) {
            synchronized (seen.get(c)) {
                assertThat(seen.get(c)).as("client %d", c).isEqualTo(expected);
            }
        }
    }

    @Test
    void aSlowNotificationHandlerNeverDelaysAChain() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch notified = new CountDownLatch(1);
        registry.registrar(HandlerOrigin.plugin("slow-listener"), 0).register(Hooks.ON_PUBLISH, ctx -> {
            notified.countDown();
            release.await();
        });
        register("p", ctx -> Verdict.ok());
        ClientLane lane = dispatcher.newLane("c");

        dispatcher.notify(lane, Hooks.ON_PUBLISH, Contexts.publish("c", "t"));
        assertThat(notified.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        var outcome = publish(lane);

        assertThat(outcome).isInstanceOf(ChainOutcome.Allowed.class);
        assertThat(release.getCount()).isEqualTo(1); // the notification is still blocked
        release.countDown();
    }

    @Test
    void notificationsOfOneClientRunInOrder() throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(200);
        registry.registrar(HandlerOrigin.plugin("a"), 0).register(Hooks.ON_PUBLISH, ctx -> {
            seen.add(ctx.topic());
            done.countDown();
        });
        ClientLane lane = dispatcher.newLane("c");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            expected.add("t/" + i);
            dispatcher.notify(lane, Hooks.ON_PUBLISH, Contexts.publish("c", "t/" + i));
        }

        assertThat(done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void aThrowingNotificationHandlerDoesNotStopTheOthers() throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        registry.registrar(HandlerOrigin.plugin("a-throws"), 0).register(Hooks.ON_CLIENT_GONE, ctx -> {
            throw new IllegalStateException("boom");
        });
        registry.registrar(HandlerOrigin.plugin("b-listens"), 0).register(Hooks.ON_CLIENT_GONE, ctx -> second.countDown());

        dispatcher.notify(dispatcher.newLane("c"), Hooks.ON_CLIENT_GONE, Contexts.client("c"));

        assertThat(second.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await(() -> registry.statistics().snapshot(HandlerOrigin.plugin("a-throws")).getFirst().errors() == 1);
    }

    @Test
    void laneIsIdleAgainAfterItsCalls() {
        register("p", ctx -> Verdict.ok());
        ClientLane lane = dispatcher.newLane("c");

        publish(lane);

        await(lane::isIdle);
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within %s", WAIT).isLessThan(end);
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
