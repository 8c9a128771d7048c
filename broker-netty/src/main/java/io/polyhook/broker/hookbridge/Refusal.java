package io.polyhook.broker.hookbridge;

import java.util.Objects;
import java.util.Optional;

/**
 * Why the broker refuses a client's request: an MQTT 5 reason code (not yet fitted to the packet
 * that carries it, see {@link ReasonCodes}) and the reason string a handler gave, if any.
 *
 * @param reasonCode   the MQTT 5 reason code, 0x80 and above
 * @param reasonString the handler's human-readable reason, for clients that take problem information
 */
public record Refusal(int reasonCode, Optional<String> reasonString) {

    /** Checks the reason string is present (it may be empty). */
    public Refusal {
        Objects.requireNonNull(reasonString, "reasonString");
    }

    /** A refusal with {@code reasonCode} and no reason string. */
    public static Refusal of(int reasonCode) {
        return new Refusal(reasonCode, Optional.empty());
    }

    /** This refusal with another code (the one the carrying packet allows), the same reason string. */
    public Refusal withCode(int code) {
        return code == reasonCode ? this : new Refusal(code, reasonString);
    }
}
