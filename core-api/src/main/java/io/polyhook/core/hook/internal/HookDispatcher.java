package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.ChainShortcut;
import io.polyhook.core.hook.ModifierRules;
import io.polyhook.core.hook.Ticker;
import io.polyhook.core.hook.TimeoutFallback;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Calls hook handlers with the semantics of vmq_diversity and the threading of Polyhook's design:
 *
 * <ul>
 *   <li><b>Chains</b> ({@link #chain}): handlers in {@link HookRegistry} order until one says ok
 *       or deny; a handler that throws (anything, {@link Error}s included) lets the later
 *       handlers of an authorization hook decide, but denies the request when none of them
 *       allows ({@link ChainOutcome.Cause#HANDLER_FAILED}); it stops a rewrite hook's chain
 *       ({@link ChainOutcome.Failed}); invalid modifiers are a logged rejection.</li>
 *   <li><b>Notifications</b> ({@link #notify}): every handler, answers ignored, the client never
 *       waits.</li>
 *   <li><b>Threading</b>: calls for one client run on its {@link ClientLane}, in order and one at a
 *       time, on virtual threads, never on the caller's thread. Chains and notifications have
 *       separate lanes. A lane's thread lingers, parked, for a bounded number of watchdog rounds
 *       after its last call, so that the client's next burst reuses it
 *       ({@link DispatchSettings#lingerRounds()}).</li>
 *   <li><b>Deadlines</b>: each handler call has the deadline of its hook
 *       ({@link DispatchSettings}); a call that misses it counts as the hook's
 *       {@link TimeoutFallback} and its thread is interrupted and abandoned. The watchdog checks
 *       them every {@link DispatchSettings#watchdogInterval()} while some lane has a thread, and
 *       sleeps without waking while none has (an idle broker).</li>
 *   <li><b>Shortcuts</b>: a {@link ChainShortcut} (the authorization cache) may answer a chain
 *       on the caller's thread before any handler runs.</li>
 *   <li><b>Zero cost</b>: a hook point with no handler answers at once on the caller's thread,
 *       allocating nothing. Callers that build an expensive context should ask {@link #has}
 *       first.</li>
 * </ul>
 */
public final class HookDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HookDispatcher.class);
    // One shortcut call in this many is timed; all are counted.
    static final int SHORTCUT_TIMED = 16;
    private static final CompletionStage<? extends ChainOutcome<?>> UNHANDLED =
            CompletableFuture.completedStage(ChainOutcome.unhandled());

    private final HookRegistry registry;
    private final DispatchSettings settings;
    private final Ticker ticker;
    private final Set<SerialLane> active = ConcurrentHashMap.newKeySet();
    private final ThreadFactory threads = Thread.ofVirtual().name("polyhook-hook-", 0).factory();
    private final Thread watchdog;
    private volatile boolean closed;
    // The watchdog sleeps without a timeout: no lane has a thread, so there is no deadline or linger
    // to watch (an idle broker costs no wake-up every interval). activate wakes it.
    private volatile boolean watchdogIdle;
    // Completed watchdog rounds: the clock of lingering lane threads (SerialLane), which needs no
    // timer of its own and is not the ticker (tests freeze that one).
    private volatile long rounds;

    /** A dispatcher over {@code registry}; starts its deadline watchdog thread. */
    public HookDispatcher(HookRegistry registry, DispatchSettings settings) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ticker = settings.ticker();
        this.watchdog = Thread.ofPlatform().daemon().name("polyhook-hook-watchdog").start(this::watch);
    }

    /** The registry this dispatcher reads. */
    public HookRegistry registry() {
        return registry;
    }

    /** The deadlines and fallbacks in force. */
    public DispatchSettings settings() {
        return settings;
    }

    /** Whether {@code hook} has a handler; one volatile read, no allocation. */
    public boolean has(Hook<?> hook) {
        return registry.has(hook);
    }

    /**
     * Whether {@link #chain} of {@code hook} would read its context now: the hook has a handler,
     * or a shortcut that may answer. When not, the chain answers {@link ChainOutcome#unhandled()}
     * without looking at the context, so a caller on a hot path need not build one.
     */
    public boolean readsContext(Hook<?> hook) {
        return registry.readsContext(hook);
    }

    /** A new pair of lanes for one client; {@code label} (its client id) names it in logs. */
    public ClientLane newLane(String label) {
        return new ClientLane(this, label);
    }

    /**
     * Runs the chain of {@code hook} for {@code context} on the client's lane. The returned stage
     * completes on a virtual thread when a handler decides, when all said next, or when a
     * deadline fallback applies; it never completes exceptionally. With no handler it is already
     * complete with {@link ChainOutcome#unhandled()}, and nothing was allocated.
     */
    public <C extends HookContext, M extends Modifiers> CompletionStage<ChainOutcome<M>> chain(
            ClientLane lane, ChainHook<C, M> hook, C context) {
        return chain(lane, hook, context, true);
    }

    /**
     * As {@link #chain}, but an idle lane is not woken: the call waits in the lane's queue until
     * {@link #wake(ClientLane)} (or until the lane runs anyway). A caller that submits a burst,
     * such as the PUBLISHes of one socket read, wakes the lane once for the burst instead of
     * starting its thread for each call, which the lane would otherwise finish before the next
     * call arrives. The caller must call {@code wake} after the burst.
     */
    public <C extends HookContext, M extends Modifiers> CompletionStage<ChainOutcome<M>> chainQueued(
            ClientLane lane, ChainHook<C, M> hook, C context) {
        return chain(lane, hook, context, false);
    }

    /** Starts the lane's chain calls queued by {@link #chainQueued}, if it is not running already. */
    public void wake(ClientLane lane) {
        lane.chains.wake();
    }

    @SuppressWarnings("unchecked")
    private <C extends HookContext, M extends Modifiers> CompletionStage<ChainOutcome<M>> chain(
            ClientLane lane, ChainHook<C, M> hook, C context, boolean wake) {
        HookRegistry.ShortcutEntry shortcut = registry.shortcut(hook);
        ChainOutcome<M> answered = null;
        if (shortcut != null) {
            answered = shortcut(shortcut, hook, context, lane);
            if (answered != null && !isFailure(answered)) {
                return CompletableFuture.completedStage(answered);
            }
        }
        HandlerEntry[] handlers = registry.entries(hook);
        if (handlers.length == 0) {
            if (answered != null) {
                // The shortcut failed and nobody else can allow: a failure never widens access.
                shortcut.stats().recordFailedClosed();
                return CompletableFuture.completedStage(answered);
            }
            return (CompletionStage<ChainOutcome<M>>) UNHANDLED;
        }
        HookCall.Chain<C, M> call = new HookCall.Chain<>(this, hook, handlers, lane.label(), context);
        if (answered != null) {
            call.failedBefore((ChainOutcome.Denied<M>) answered, shortcut.stats());
        }
        if (wake) {
            lane.chains.submit(call);
        } else {
            lane.chains.enqueue(call);
        }
        return call.result;
    }

    /**
     * Tells every handler of {@code hook} about {@code context}, on the client's notification
     * lane; returns at once. With no handler it does nothing and allocates nothing.
     */
    public <C extends HookContext> void notify(ClientLane lane, NotificationHook<C> hook, C context) {
        HandlerEntry[] handlers = registry.entries(hook);
        if (handlers.length == 0) {
            return;
        }
        lane.notifications.submit(new HookCall.Notification<>(this, hook, handlers, lane.label(), context));
    }

    private static boolean isFailure(ChainOutcome<?> outcome) {
        return outcome instanceof ChainOutcome.Denied<?> d && d.cause() == ChainOutcome.Cause.HANDLER_FAILED;
    }

    /**
     * The shortcut's answer: {@code null} for none, or for an authorization hook whose shortcut
     * failed a {@link ChainOutcome.Cause#HANDLER_FAILED} denial, which holds unless a handler
     * allows.
     */
    @SuppressWarnings("unchecked")
    private <C extends HookContext, M extends Modifiers> ChainOutcome<M> shortcut(
            HookRegistry.ShortcutEntry entry, ChainHook<C, M> hook, C context, ClientLane lane) {
        // A shortcut answers on the event loop in tens of nanoseconds: two clock reads and a
        // histogram shared by every loop cost more than that (3 % of the broker's samples at
        // 317,000 publishes a second), so every call is counted and one in SHORTCUT_TIMED timed.
        boolean timed = ThreadLocalRandom.current().nextInt(SHORTCUT_TIMED) == 0;
        long start = timed ? ticker.read() : 0;
        Verdict<M> verdict;
        try {
            verdict = ((ChainShortcut<C, M>) entry.shortcut()).answer(context);
            if (verdict instanceof Verdict.Ok<M> ok && ok.modifiers().isPresent()) {
                ModifierRules.check(hook, ok.modifiers().get());
            }
        } catch (Throwable e) {
            // Anything, Errors included: this runs on an event loop, which must survive it.
            entry.stats().recordError();
            LOG.warn("{}: shortcut of {} failed for client {}: {}", hook.name(), entry.origin(), lane.label(), describe(e));
            return hook.kind() == ChainHook.Kind.AUTHORIZATION ? new ChainOutcome.Denied<>(Optional.empty(),
                    Optional.empty(), entry.origin(), ChainOutcome.Cause.HANDLER_FAILED) : null;
        } finally {
            if (timed) {
                entry.stats().recordCall(ticker.read() - start);
            } else {
                entry.stats().recordUntimedCall();
            }
        }
        return switch (verdict) {
            case null -> null;
            case Verdict.Next<M> next -> null;
            case Verdict.Ok<M> ok -> new ChainOutcome.Allowed<>(ok.modifiers(), entry.origin());
            case Verdict.Deny<M> deny -> new ChainOutcome.Denied<>(deny.reasonCode(), deny.reasonString(), entry.origin(),
                    ChainOutcome.Cause.VERDICT);
        };
    }

    /**
     * Stops the deadline watchdog and ends the lane threads that linger; calls already running
     * finish on their own.
     */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(watchdog);
    }

    Ticker ticker() {
        return ticker;
    }

    void activate(SerialLane lane) {
        active.add(lane);
        // Read after the add: the watchdog sets the flag before it looks at the set, so one of us sees the other.
        if (watchdogIdle) {
            LockSupport.unpark(watchdog);
        }
    }

    void deactivate(SerialLane lane) {
        active.remove(lane);
    }

    /** Lanes whose thread runs or lingers (those the watchdog watches). */
    int lanesWithThreads() {
        return active.size();
    }

    long rounds() {
        return rounds;
    }

    /** What the watchdog thread does now (parked without a timeout while no lane has a thread). */
    Thread.State watchdogState() {
        return watchdog.getState();
    }

    boolean isClosed() {
        return closed;
    }

    void startThread(Runnable task) {
        threads.newThread(task).start();
    }

    private void watch() {
        long interval = settings.watchdogInterval().toNanos();
        while (!closed) {
            if (active.isEmpty()) {
                watchdogIdle = true;
                if (active.isEmpty() && !closed) {
                    LockSupport.park(this);
                }
                watchdogIdle = false;
                continue;
            }
            LockSupport.parkNanos(interval);
            // An Error too (an OutOfMemoryError while starting a thread): a round holds no state, so
            // the next one is whole; a dead watchdog would let every later call run past its deadline.
            try {
                long now = ticker.read();
                long round = ++rounds;
                for (SerialLane lane : active) {
                    try {
                        lane.onWatchdogRound(now, round);
                    } catch (RuntimeException e) {
                        LOG.error("deadline check failed for {}", lane.lane(), e);
                    }
                }
            } catch (Error e) {
                LOG.error("hook watchdog round failed; going on: {}", e.toString());
            }
        }
        // Lingering lane threads wait for rounds that no longer come.
        for (SerialLane lane : active) {
            lane.onClose();
        }
    }

    void logFailure(HookCall call, HandlerEntry entry, Throwable failure, boolean invalidModifiers) {
        // Never the context: it may hold a password. The message comes from the handler/engine,
        // so it is cut to a bounded single line (FailureText), here where failures are logged.
        if (invalidModifiers) {
            LOG.warn("{}: {} returned invalid modifiers for client {}: {}", call.hook.name(), entry.origin, call.client,
                    describe(failure));
            return;
        }
        LOG.warn("{}: {} failed for client {}: {}", call.hook.name(), entry.origin, call.client, describe(failure));
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: {} failure", call.hook.name(), entry.origin, FailureText.withStackTrace(failure));
        }
    }

    void logFailedClosed(HookCall call, ChainOutcome.Denied<?> denied) {
        LOG.warn("{}: denied for client {}: {} {} and no later handler allowed", call.hook.name(), call.client,
                denied.decidedBy(), denied.cause() == ChainOutcome.Cause.HANDLER_TIMED_OUT ? "timed out" : "failed");
    }

    void logTimeout(HookCall call, HandlerEntry entry, ClientLane lane) {
        String outcome = call instanceof HookCall.Chain<?, ?> ? settings.fallback(call.hook).name().toLowerCase() : "skipped";
        LOG.warn("{}: {} missed its deadline of {} ms for client {}; counted as {}", call.hook.name(), entry.origin,
                settings.deadline(call.hook).toMillis(), lane.label(), outcome);
    }

    static String describe(Throwable t) {
        return FailureText.of(t);
    }
}
