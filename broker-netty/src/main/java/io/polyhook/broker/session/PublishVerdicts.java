package io.polyhook.broker.session;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The PUBLISHes of one connection whose {@code auth_on_publish} chain is running while later
 * ones are read (pipelining), and the steps that must follow them: each is applied on the
 * connection's event loop in arrival order once it and everything before it is ready.
 *
 * <p>Without it a client's next PUBLISH would wait for the previous verdict's round trip
 * (event loop → lane → event loop); with it a busy lane serves a burst of calls per wake-up.
 * Used on the event loop only, except that verdicts complete on the lane's thread.
 */
final class PublishVerdicts {

    /** A step and what it waits for. */
    private record Step(CompletableFuture<?> ready, Runnable apply) {
    }

    private static final CompletableFuture<Object> READY = CompletableFuture.completedFuture(null);

    private final ArrayDeque<Step> steps = new ArrayDeque<>();
    private final AtomicBoolean applyScheduled = new AtomicBoolean();
    private final Executor eventLoop;
    private final Runnable applied;
    private final Consumer<RuntimeException> failed;

    /**
     * @param eventLoop the connection's event loop, where steps are applied
     * @param applied   runs on the event loop after each batch of applied steps
     * @param failed    told of a step that threw; the steps after it still run unless it clears
     */
    PublishVerdicts(Executor eventLoop, Runnable applied, Consumer<RuntimeException> failed) {
        this.eventLoop = eventLoop;
        this.applied = applied;
        this.failed = failed;
    }

    /** Whether no step is pending. */
    boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Steps pending, ready or not. */
    int size() {
        return steps.size();
    }

    /** Applies {@code apply} once {@code verdict} and every earlier step are done. */
    void add(CompletableFuture<?> verdict, Runnable apply) {
        steps.addLast(new Step(verdict, apply));
        verdict.whenComplete((outcome, failure) -> scheduleApply());
    }

    /** Runs {@code step} now if nothing is pending, else after everything pending, in order. */
    void then(Runnable step) {
        if (steps.isEmpty()) {
            step.run();
        } else {
            steps.addLast(new Step(READY, step));
        }
    }

    /** Forgets what is pending (the connection failed). */
    void clear() {
        steps.clear();
    }

    /** From any thread: one task per burst of completions, not one per verdict. */
    private void scheduleApply() {
        if (applyScheduled.compareAndSet(false, true)) {
            eventLoop.execute(this::applyReady);
        }
    }

    private void applyReady() {
        // Cleared before looking, so that a verdict completing meanwhile schedules another pass.
        applyScheduled.set(false);
        Step head;
        while ((head = steps.peekFirst()) != null && head.ready().isDone()) {
            steps.pollFirst();
            try {
                head.apply().run();
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        }
        applied.run();
    }
}
