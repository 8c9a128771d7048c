package io.polyhook.broker.connection;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The order of one connection's inbound packets: the single owner of every packet held back and
 * every verdict still pending, in the spirit of Netty's {@code FlowControlHandler}. The rule:
 *
 * <ul>
 *   <li>a packet is handled when everything before it is done, except that a PUBLISH may be
 *       handled while earlier PUBLISH verdicts are pending ({@link #pipeline}: its chain runs on
 *       the client's lane while later ones are read), and its verdict is applied in arrival order;</li>
 *   <li>any other packet (SUBSCRIBE, PINGREQ, PUBREL, DISCONNECT, …) waits until every earlier
 *       verdict is applied, so a PINGRESP never overtakes a PUBACK;</li>
 *   <li>a packet that waits for a chain ({@link #await}: CONNECT, SUBSCRIBE, …) holds back
 *       everything after it until the chain's answer was applied;</li>
 *   <li>reading pauses while more than {@code maxPending} packets are held back or pending, and
 *       resumes at half of it: a toggle per burst, not per message.</li>
 * </ul>
 *
 * <p>Used on the connection's event loop only; chains and verdicts complete on any thread and
 * are applied on the event loop, one task per burst of completions.
 */
final class InboundSequencer {

    /** Handles the packets in order. */
    interface PacketHandler {
        /** Handles one packet; may call {@link #await}, {@link #pipeline} and {@link #afterEarlier}. */
        void handle(Object packet);

        /** Whether {@code packet} may be handled while earlier verdicts are pending (a PUBLISH). */
        boolean pipelines(Object packet);

        /** A packet's handling, a chain's continuation or a verdict's application threw. */
        void failed(RuntimeException e);
    }

    /** What the sequencer waits for before it handles the next packet. */
    private enum Mode {
        /** Nothing: packets are handled as they come. */
        FLOWING,
        /** A chain's answer ({@link #await}). */
        AWAITING_CHAIN,
        /** Every pending verdict, for the packet at the head or a final step ({@link #haltAfterEarlier}). */
        AWAITING_VERDICTS,
        /** Nothing more is handled (the connection is closing); pending verdicts are still applied. */
        STOPPED
    }

    /** A step applied in order once {@code ready} is done. */
    private record Step(CompletableFuture<?> ready, Runnable apply) {
    }

    private static final CompletableFuture<Object> READY = CompletableFuture.completedFuture(null);

    private final Executor eventLoop;
    private final PacketHandler handler;
    private final int maxPending;
    private final ReadGate gate;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private final ArrayDeque<Step> steps = new ArrayDeque<>();
    private final AtomicBoolean applyScheduled = new AtomicBoolean();
    private final Runnable applyReady = this::applyReady;
    private Mode mode = Mode.FLOWING;

    /**
     * @param eventLoop  the connection's event loop
     * @param handler    handles the packets
     * @param maxPending packets held back or pending past which reading pauses
     * @param gate       where reading is paused and resumed
     */
    InboundSequencer(Executor eventLoop, PacketHandler handler, int maxPending, ReadGate gate) {
        this.eventLoop = eventLoop;
        this.handler = handler;
        this.maxPending = maxPending;
        this.gate = gate;
    }

    /** A packet read from the client: handled now if nothing holds it back, else after what does. */
    void submit(Object packet) {
        if (mode == Mode.STOPPED) {
            return;
        }
        held.addLast(packet);
        drain();
    }

    /**
     * Waits for a chain without blocking the event loop: {@code then} runs on the event loop with
     * its answer, and no packet after the current one is handled before that. An answer that is
     * already there (no handler, an auth cache hit) is applied at once. Not run once stopped.
     */
    <T> void await(CompletionStage<T> chain, Consumer<T> then) {
        CompletableFuture<T> f = chain.toCompletableFuture();
        if (f.isDone()) {
            then.accept(f.join());
            return;
        }
        if (mode == Mode.STOPPED) {
            return;
        }
        mode = Mode.AWAITING_CHAIN;
        f.thenAcceptAsync(answer -> {
            if (mode == Mode.STOPPED) {
                return;
            }
            mode = Mode.FLOWING;
            try {
                then.accept(answer);
            } catch (RuntimeException e) {
                handler.failed(e);
                return;
            }
            drain();
        }, eventLoop);
    }

    /**
     * A PUBLISH's verdict: {@code apply} runs on the event loop once it and every earlier step
     * are done, even after {@link #stop} (a message whose sender hung up is still routed). Later
     * PUBLISHes are handled meanwhile.
     */
    <T> void pipeline(CompletableFuture<T> verdict, Consumer<T> apply) {
        steps.addLast(new Step(verdict, () -> apply.accept(verdict.join())));
        verdict.whenComplete((answer, failure) -> scheduleApply());
    }

    /** Runs {@code step} now if no verdict is pending, else after every pending one, in order. */
    void afterEarlier(Runnable step) {
        if (steps.isEmpty()) {
            step.run();
        } else {
            steps.addLast(new Step(READY, step));
        }
    }

    /**
     * Runs {@code last} after every pending verdict (now if none) and handles nothing after the
     * current packet meanwhile: for a packet that ends the connection (a bad PUBLISH) once the
     * earlier ones are answered.
     */
    void haltAfterEarlier(Runnable last) {
        if (!steps.isEmpty() && mode != Mode.STOPPED) {
            mode = Mode.AWAITING_VERDICTS;
        }
        afterEarlier(last);
    }

    /** Handles nothing more and forgets the held-back packets; pending verdicts are still applied. */
    void stop() {
        mode = Mode.STOPPED;
        held.clear();
        gate.stop();
    }

    /** Forgets the pending verdicts too (the connection failed). */
    void abandon() {
        stop();
        steps.clear();
    }

    /** Packets held back. */
    int held() {
        return held.size();
    }

    /** Verdicts and steps pending. */
    int pending() {
        return steps.size();
    }

    private void drain() {
        while (mode == Mode.FLOWING) {
            Object next = held.peekFirst();
            if (next == null) {
                break;
            }
            if (!steps.isEmpty() && !handler.pipelines(next)) {
                mode = Mode.AWAITING_VERDICTS;
                break;
            }
            held.pollFirst();
            try {
                handler.handle(next);
            } catch (RuntimeException e) {
                handler.failed(e);
                return;
            }
        }
        pauseOrResumeReading();
    }

    /**
     * Reading pauses while more than {@code maxPending} packets wait behind the verdict in
     * progress (held back, or PUBLISHes whose chain is submitted but not yet answered), and
     * resumes at half of it.
     */
    private void pauseOrResumeReading() {
        int waiting = held.size() + Math.max(0, steps.size() - 1);
        if (waiting > maxPending) {
            gate.pause(ReadGate.Reason.PENDING);
        } else if (waiting <= maxPending / 2) {
            gate.resume(ReadGate.Reason.PENDING);
        }
    }

    /** Whether nothing is held back, pending or about to be applied. */
    boolean idle() {
        return held.isEmpty() && steps.isEmpty() && !applyScheduled.get();
    }

    /** From any thread: one task per burst of completions, not one per verdict. */
    private void scheduleApply() {
        if (applyScheduled.compareAndSet(false, true)) {
            eventLoop.execute(applyReady);
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
                handler.failed(e);
            }
        }
        if (mode == Mode.STOPPED) {
            return;
        }
        if (steps.isEmpty() && mode == Mode.AWAITING_VERDICTS) {
            mode = Mode.FLOWING;
        }
        drain();
    }
}
