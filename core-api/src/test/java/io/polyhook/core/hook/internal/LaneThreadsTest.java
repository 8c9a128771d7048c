package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The thread of a client's lane: it lingers after a burst so that the client's next burst runs
 * on it, and it ends within a bounded number of watchdog rounds once the client is quiet.
 */
class LaneThreadsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HookRegistry registry = new HookRegistry();
    private final AtomicLong fakeNanos = new AtomicLong();
    private final Set<Thread> handlerThreads = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Thread> lastThread = new AtomicReference<>();
    private HookDispatcher dispatcher;

    LaneThreadsTest() {
        registry.registrar(HandlerOrigin.plugin("p"), 0).register(Hooks.AUTH_ON_PUBLISH, ctx -> {
            handlerThreads.add(Thread.currentThread());
            lastThread.set(Thread.currentThread());
            return Verdict.ok();
        });
    }

    @AfterEach
    void close() {
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    private HookDispatcher dispatcher(Duration linger) {
        // The deadline clock is frozen: only the watchdog's rounds move, which is all lingering counts.
        dispatcher = new HookDispatcher(registry, DispatchSettings.builder().deadline(Duration.ofSeconds(5))
                .ticker(fakeNanos::get).watchdogInterval(Duration.ofMillis(2)).linger(linger).build());
        return dispatcher;
    }

    private ChainOutcome<PublishModifiers> publish(ClientLane lane) {
        return dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, Contexts.publish(lane.label(), "a/b"))
                .toCompletableFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Test
    void aClientsNextBurstRunsOnTheThreadThatRanItsLastOne() {
        ClientLane lane = dispatcher(Duration.ofMinutes(1)).newLane("c");

        publish(lane);
        Thread first = lastThread.get();
        await(lane::isIdle);
        publish(lane);

        assertThat(lastThread.get()).isSameAs(first);
        assertThat(lane.chains.state()).isIn(SerialLane.State.RUNNING, SerialLane.State.LINGERING);
    }

    @Test
    void aQuietLaneEndsItsThreadWithinItsLingerRounds() {
        ClientLane lane = dispatcher(Duration.ofMillis(20)).newLane("c");
        assertThat(dispatcher.settings().lingerRounds()).isEqualTo(10);

        publish(lane);
        Thread thread = lastThread.get();

        await(() -> lane.chains.state() == SerialLane.State.IDLE && !thread.isAlive());
        assertThat(dispatcher.lanesWithThreads()).isZero();
    }

    @Test
    void withoutLingerTheThreadEndsOnceTheQueueIsDrained() {
        ClientLane lane = dispatcher(Duration.ZERO).newLane("c");
        assertThat(dispatcher.settings().lingerRounds()).isZero();

        publish(lane);

        await(() -> lane.chains.state() == SerialLane.State.IDLE && !lastThread.get().isAlive());
    }

    @Test
    void tenThousandClientsThatWentQuietHoldNoThread() {
        dispatcher(Duration.ofMillis(10));
        List<CompletableFuture<?>> calls = new ArrayList<>();
        List<ClientLane> lanes = new ArrayList<>();
        for (int c = 0; c < 10_000; c++) {
            ClientLane lane = dispatcher.newLane("client-" + c);
            lanes.add(lane);
            calls.add(dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, Contexts.publish(lane.label(), "a/b"))
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).orTimeout(2, TimeUnit.MINUTES).join();

        await(() -> dispatcher.lanesWithThreads() == 0);
        await(() -> handlerThreads.stream().noneMatch(Thread::isAlive));
        assertThat(lanes).allMatch(lane -> lane.chains.state() == SerialLane.State.IDLE);
    }

    @Test
    void closingTheDispatcherEndsLingeringThreads() {
        ClientLane lane = dispatcher(Duration.ofMinutes(1)).newLane("c");
        publish(lane);
        Thread thread = lastThread.get();
        await(() -> lane.chains.state() == SerialLane.State.LINGERING);

        dispatcher.close();

        await(() -> !thread.isAlive());
        assertThat(lane.chains.state()).isEqualTo(SerialLane.State.IDLE);
    }

    @Test
    void aCallQueuedWithoutWakeIsTakenByTheLingeringThreadAtTheLatestWhenItsLingerEnds() {
        ClientLane lane = dispatcher(Duration.ofMillis(20)).newLane("c");
        publish(lane);
        Thread first = lastThread.get();
        await(() -> lane.chains.state() == SerialLane.State.LINGERING);

        // chainQueued leaves the wake to the caller; a lingering thread must not strand the call.
        var queued = dispatcher.chainQueued(lane, Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "q"))
                .toCompletableFuture();

        assertThat(queued.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join()).isInstanceOf(ChainOutcome.Allowed.class);
        assertThat(lastThread.get()).isSameAs(first);
    }

    @Test
    void withNoLaneThreadTheWatchdogSleepsUntilALaneStartsOne() {
        ClientLane lane = dispatcher(Duration.ofMillis(20)).newLane("c");
        // Parked without a timeout (WAITING), not woken every interval (TIMED_WAITING).
        await(() -> dispatcher.watchdogState() == Thread.State.WAITING);
        long rounds = dispatcher.rounds();

        publish(lane);
        await(() -> dispatcher.lanesWithThreads() == 0);

        // The lane's linger ended, so rounds ran again while it had a thread; then the watchdog sleeps again.
        assertThat(dispatcher.rounds()).isGreaterThan(rounds);
        await(() -> dispatcher.watchdogState() == Thread.State.WAITING);
    }

    private static void await(BooleanSupplier condition) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within %s", WAIT).isLessThan(end);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
