package io.polyhook.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A chain handler's answer: {@link Ok ok} (optionally with modifiers of the hook's type),
 * {@link Deny deny} (optionally with an MQTT 5 reason code and reason string) or
 * {@link Next next} (no opinion: the next handler is asked).
 *
 * <p>Instances are immutable; {@link #ok()} and {@link #next()} return shared constants.
 *
 * @param <M> the modifier type of the hook point
 * @since 0.1
 */
public sealed interface Verdict<M extends Modifiers> permits Verdict.Ok, Verdict.Deny, Verdict.Next {

    /**
     * Accept the request unchanged; the chain stops.
     *
     * @since 0.1
     */
    @SuppressWarnings("unchecked")
    static <M extends Modifiers> Verdict<M> ok() {
        return (Verdict<M>) Ok.UNCHANGED;
    }

    /**
     * Accept the request with {@code modifiers} applied; the chain stops.
     *
     * @since 0.1
     */
    static <M extends Modifiers> Verdict<M> ok(M modifiers) {
        return new Ok<>(Optional.of(Objects.requireNonNull(modifiers, "modifiers")));
    }

    /**
     * No opinion: the next handler decides.
     *
     * @since 0.1
     */
    @SuppressWarnings("unchecked")
    static <M extends Modifiers> Verdict<M> next() {
        return (Verdict<M>) Next.INSTANCE;
    }

    /**
     * Refuse the request with the broker's default reason code for it; the chain stops.
     *
     * @since 0.1
     */
    @SuppressWarnings("unchecked")
    static <M extends Modifiers> Verdict<M> deny() {
        return (Verdict<M>) Deny.PLAIN;
    }

    /**
     * Refuse the request with an MQTT 5 reason code; the chain stops.
     *
     * @since 0.1
     */
    static <M extends Modifiers> Verdict<M> deny(ReasonCode reasonCode) {
        return new Deny<>(Optional.of(reasonCode), Optional.empty());
    }

    /**
     * Refuse the request with an MQTT 5 reason code and a human-readable reason string (sent only
     * to clients that asked for problem information); the chain stops.
     *
     * @since 0.1
     */
    static <M extends Modifiers> Verdict<M> deny(ReasonCode reasonCode, String reasonString) {
        return new Deny<>(Optional.of(reasonCode), Optional.of(reasonString));
    }

    /**
     * Accept.
     *
     * @param modifiers the changes to apply, or empty to accept unchanged
     * @param <M>       the modifier type of the hook point
     * @since 0.1
     */
    record Ok<M extends Modifiers>(Optional<M> modifiers) implements Verdict<M> {
        private static final Ok<Modifiers> UNCHANGED = new Ok<>(Optional.empty());

        /**
         * Checks the optional is present (it may be empty).
         *
         * @since 0.1
         */
        public Ok {
            Objects.requireNonNull(modifiers, "modifiers");
        }
    }

    /**
     * Refuse.
     *
     * @param reasonCode   the MQTT 5 reason code, or empty for the broker's default
     * @param reasonString a human-readable reason, or empty
     * @param <M>          the modifier type of the hook point
     * @since 0.1
     */
    record Deny<M extends Modifiers>(Optional<ReasonCode> reasonCode, Optional<String> reasonString)
            implements Verdict<M> {
        private static final Deny<Modifiers> PLAIN = new Deny<>(Optional.empty(), Optional.empty());

        /**
         * Checks both optionals are present (they may be empty).
         *
         * @since 0.1
         */
        public Deny {
            Objects.requireNonNull(reasonCode, "reasonCode");
            Objects.requireNonNull(reasonString, "reasonString");
        }
    }

    /**
     * No opinion.
     *
     * @param <M> the modifier type of the hook point
     * @since 0.1
     */
    record Next<M extends Modifiers>() implements Verdict<M> {
        private static final Next<Modifiers> INSTANCE = new Next<>();
    }
}
