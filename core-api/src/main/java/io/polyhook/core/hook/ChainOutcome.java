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
 *       {@link TimeoutFallback#DENY deny} fallback;</li>
 *   <li>{@link Exhausted}: no handler, or every handler said next: the broker applies its default
 *       for the hook ({@code auth_on_register} refuses, publish/subscribe follow
 *       {@code broker.no_match}, rewrites keep the original);</li>
 *   <li>{@link Failed}: a handler of a rewrite hook threw; the request goes on unchanged.</li>
 * </ul>
 *
 * @param <M> the modifier type of the hook
 */
public sealed interface ChainOutcome<M extends Modifiers>
        permits ChainOutcome.Allowed, ChainOutcome.Denied, ChainOutcome.Exhausted, ChainOutcome.Failed {

    /** The shared exhausted outcome. */
    @SuppressWarnings("unchecked")
    static <M extends Modifiers> ChainOutcome<M> exhausted() {
        return (ChainOutcome<M>) Exhausted.INSTANCE;
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
     * @param cause        why: a verdict, invalid modifiers, or a timeout
     * @param <M>          the modifier type
     */
    record Denied<M extends Modifiers>(Optional<ReasonCode> reasonCode, Optional<String> reasonString,
                                       HandlerOrigin decidedBy, Cause cause) implements ChainOutcome<M> {
    }

    /**
     * Every handler said next, or there was none.
     *
     * @param <M> the modifier type
     */
    record Exhausted<M extends Modifiers>() implements ChainOutcome<M> {
        private static final Exhausted<Modifiers> INSTANCE = new Exhausted<>();
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
        TIMEOUT
    }
}
