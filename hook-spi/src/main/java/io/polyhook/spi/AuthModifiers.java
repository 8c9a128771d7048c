package io.polyhook.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to one step of MQTT 5 enhanced authentication, returned by {@code on_auth_m5}:
 * whether authentication succeeded or continues, with the method and data to send back.
 *
 * <p>vmq_diversity validates a numeric {@code reason_code} that its broker cannot use; here the
 * reason is a typed {@link Step} that the broker maps to AUTH / CONNACK reason codes.
 *
 * @param step                 what happens next
 * @param authenticationMethod the method to echo (defaults to the client's)
 * @param authenticationData   the data to send to the client, if any
 * @since 0.1
 */
public record AuthModifiers(Step step, Optional<String> authenticationMethod, Optional<Bytes> authenticationData)
        implements Modifiers {

    /**
     * Checks every field is present (optional ones as {@link Optional}).
     *
     * @since 0.1
     */
    public AuthModifiers {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(authenticationMethod, "authenticationMethod");
        Objects.requireNonNull(authenticationData, "authenticationData");
    }

    /**
     * Authentication succeeded; the broker completes the CONNECT (or re-authentication).
     *
     * @since 0.1
     */
    public static AuthModifiers success(Bytes data) {
        return new AuthModifiers(Step.SUCCESS, Optional.empty(), Optional.ofNullable(data));
    }

    /**
     * Another round: the broker sends an AUTH packet with {@code data} and waits for the reply.
     *
     * @since 0.1
     */
    public static AuthModifiers continueWith(Bytes data) {
        return new AuthModifiers(Step.CONTINUE_AUTHENTICATION, Optional.empty(), Optional.of(data));
    }

    /**
     * The outcome of one enhanced-authentication step.
     *
     * @since 0.1
     */
    public enum Step {
        /**
         * Reason code 0x00: authenticated.
         *
         * @since 0.1
         */
        SUCCESS(0x00, "success"),
        /**
         * Reason code 0x18: continue authentication.
         *
         * @since 0.1
         */
        CONTINUE_AUTHENTICATION(0x18, "continue_authentication");

        private final int code;
        private final String scriptName;

        Step(int code, String scriptName) {
            this.code = code;
            this.scriptName = scriptName;
        }

        /**
         * The MQTT 5 reason code byte.
         *
         * @since 0.1
         */
        public int code() {
            return code;
        }

        /**
         * The name scripts may use instead of the number.
         *
         * @since 0.1
         */
        public String scriptName() {
            return scriptName;
        }

        /**
         * Returns the step for a reason code (0 or 24); throws naming the value otherwise.
         *
         * @since 0.1
         */
        public static Step ofCode(long code) {
            for (Step s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new InvalidModifierException("reason_code", code, "must be 0 (success) or 24 (continue_authentication)");
        }

        /**
         * Returns the step for a script name; throws naming the value otherwise.
         *
         * @since 0.1
         */
        public static Step ofScriptName(String name) {
            for (Step s : values()) {
                if (s.scriptName.equals(name)) {
                    return s;
                }
            }
            throw new InvalidModifierException("reason_code", name, "must be success or continue_authentication");
        }
    }
}
