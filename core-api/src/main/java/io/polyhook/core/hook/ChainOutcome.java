package io.polyhook.core.hook;

import io.polyhook.spi.Modifiers;
import io.polyhook.spi.ReasonCode;

import java.util.Optional;

/**
 * How a chain call ended, as the broker sees it.
 *
 * <ul>
 *   <li>{@link Allowed}: a handler said ok (maybe with modifiers, already validated for the hook);</li>
 *   <li>{@link Denied}: a handler said deny, returned invalid modifiers, or timed out with the
 *       {@link TimeoutFallback#DENY deny} fallback; or, for an authorization hook, a handler
 *       failed (threw anything, ran out of a budget, or timed out with the
 *       {@link TimeoutFallback#NEXT next} fallback) and no later handler allowed;</li>
 *   <li>{@link Exhausted}: no handler, or every handler said next: the broker applies its default
 *       for the hook ({@code auth_on_register} refuses, publish/subscribe follow
 *       {@code broker.no_match}, rewrites keep the original);</li>
 *   <li>{@link Failed}: a handler of a rewrite hook threw; the request goes on unchanged.</li>
 * </ul>
 *
 * <p>A failure never widens access: a failed authorization handler counts as next only in the
 * sense that a later handler may still decide (vmq_diversity's "continue on script error"); when
 * none allows, the chain is {@link Denied} with cause {@link Cause#HANDLER_FAILED} or
 * {@link Cause#HANDLER_TIMED_OUT}, never {@link Exhausted}, whatever the broker's
 * {@code no_match} says.
 *
 * @param <M> the modifier type of the hook
 */
public sealed interface ChainOutcome<M extends Modifiers>
        permits ChainOutcome.Allowed, ChainOutcome.Denied, ChainOutcome.Exhausted, ChainOutcome.Failed {

    /** The shared outcome of a chain whose handlers all said next. */
    @SuppressWarnings("unchecked")
    static <M extends Modifiers> ChainOutcome<M> exhausted() {
        return (ChainOutcome<M>) Exhausted.ALL_SAID_NEXT;
    }

    /** The shared outcome of a hook point without any handler to ask. */
    @SuppressWarnings("unchecked")
    static <M extends Modifiers> ChainOutcome<M> unhandled() {
        return (ChainOutcome<M>) Exhausted.NO_HANDLER;
    }

    /**
     * A handler accepted.
     *
     * @param modifiers the validated changes, or empty
     * @param decidedBy who accepted
     * @param <M>       the modifier type
     */
    record Allowed<M extends Modifiers>(Optional<M> modifiers, HandlerOrigin decidedBy) implements ChainOutcome<M> {
    }

    /**
     * A handler refused, or its call could not give a valid answer.
     *
     * @param reasonCode   the MQTT 5 reason code the handler chose, if any
     * @param reasonString the reason string the handler chose, if any
     * @param decidedBy    who refused
     * @param cause        why: a verdict, invalid modifiers, a timeout, or a failed handler
     * @param <M>          the modifier type
     */
    record Denied<M extends Modifiers>(Optional<ReasonCode> reasonCode, Optional<String> reasonString,
                                       HandlerOrigin decidedBy, Cause cause) implements ChainOutcome<M> {
    }

    /**
     * Nobody decided: every handler said next, or there was none to ask. The broker tells the two
     * apart: for publish and subscribe, a hook point without handlers is open by default while a
     * chain of handlers that all said next is closed by default ({@code broker.no_match}).
     *
     * @param exhaustion which of the two
     * @param <M>        the modifier type
     */
    record Exhausted<M extends Modifiers>(Exhaustion exhaustion) implements ChainOutcome<M> {
        private static final Exhausted<Modifiers> ALL_SAID_NEXT = new Exhausted<>(Exhaustion.ALL_SAID_NEXT);
        private static final Exhausted<Modifiers> NO_HANDLER = new Exhausted<>(Exhaustion.NO_HANDLER);

        /** Checks the field is present. */
        public Exhausted {
            java.util.Objects.requireNonNull(exhaustion, "exhaustion");
        }
    }

    /** Why a chain ended without a decision. */
    enum Exhaustion {
        /**
         * The hook point has no handler. A shortcut (the auth cache) that had no answer for the
         * client does not count as one: it knows nothing about the client.
         */
        NO_HANDLER,
        /** At least one handler was asked and every one said next. */
        ALL_SAID_NEXT
    }

    /**
     * A handler of a rewrite hook threw or returned invalid modifiers; the chain stopped.
     *
     * @param decidedBy the failing handler's origin
     * @param message   what went wrong, for logs
     * @param <M>       the modifier type
     */
    record Failed<M extends Modifiers>(HandlerOrigin decidedBy, String message) implements ChainOutcome<M> {
    }

    /** Why a chain was denied. */
    enum Cause {
        /** The handler returned deny. */
        VERDICT,
        /** The handler returned modifiers that failed validation. */
        INVALID_MODIFIERS,
        /** The handler missed its deadline and the fallback is deny. */
        TIMEOUT,
        /**
         * An authorization handler failed (threw an exception or an error such as
         * {@link OutOfMemoryError}, or ran out of a budget), and no later handler allowed: a
         * failure never widens access. {@code decidedBy} is the first handler that failed.
         */
        HANDLER_FAILED,
        /**
         * An authorization handler missed its deadline under the {@link TimeoutFallback#NEXT next}
         * fallback, and no later handler allowed. {@code decidedBy} is the first handler that
         * timed out.
         */
        HANDLER_TIMED_OUT
    }
}
