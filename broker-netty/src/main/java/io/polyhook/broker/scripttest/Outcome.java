package io.polyhook.broker.scripttest;

import io.polyhook.spi.Modifiers;
import io.polyhook.spi.ReasonCode;

import java.util.Locale;
import java.util.Optional;

/**
 * What one hook call of a case came to.
 *
 * @param kind       ok, deny, next or error
 * @param modifiers  the validated modifiers of an ok
 * @param reasonCode the reason code of a deny, if the script gave one
 * @param reason     the reason string of a deny, if the script gave one
 * @param message    what failed, for an error; why nobody decided, for a next; else empty
 * @param decidedBy  who decided, when it was not the script: {@code "auth_cache"}
 */
record Outcome(OutcomeKind kind, Optional<Modifiers> modifiers, Optional<ReasonCode> reasonCode,
               Optional<String> reason, String message, Optional<String> decidedBy) {

    static Outcome ok(Optional<? extends Modifiers> modifiers, Optional<String> decidedBy) {
        return new Outcome(OutcomeKind.OK, modifiers.map(m -> (Modifiers) m), Optional.empty(), Optional.empty(), "", decidedBy);
    }

    static Outcome deny(Optional<ReasonCode> code, Optional<String> reason, Optional<String> decidedBy) {
        return new Outcome(OutcomeKind.DENY, Optional.empty(), code, reason, "", decidedBy);
    }

    static Outcome next(String why) {
        return new Outcome(OutcomeKind.NEXT, Optional.empty(), Optional.empty(), Optional.empty(), why, Optional.empty());
    }

    static Outcome error(String message) {
        return new Outcome(OutcomeKind.ERROR, Optional.empty(), Optional.empty(), Optional.empty(), message, Optional.empty());
    }

    /** As a report shows it: {@code ok {topic: "a"}}, {@code deny quota_exceeded "slow down"}, {@code error: ...}. */
    String describe() {
        StringBuilder s = new StringBuilder(kind.word());
        modifiers.ifPresent(m -> s.append(' ').append(ModelText.of(ModifierTables.of(m))));
        reasonCode.ifPresent(c -> s.append(' ').append(c.name().toLowerCase(Locale.ROOT)));
        reason.ifPresent(r -> s.append(' ').append(ModelText.of(r)));
        if (!message.isEmpty()) {
            s.append(kind == OutcomeKind.ERROR ? ": " : " (").append(message).append(kind == OutcomeKind.ERROR ? "" : ")");
        }
        decidedBy.ifPresent(d -> s.append(" (answered by ").append(d).append(')'));
        return s.toString();
    }
}
