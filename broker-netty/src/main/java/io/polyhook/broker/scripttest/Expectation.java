package io.polyhook.broker.scripttest;

import io.polyhook.core.script.model.HookResults;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hook;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.ReasonCode;
import io.polyhook.spi.Verdict;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a case expects of its hook call, as its {@code expect} key says:
 *
 * <ul>
 *   <li>{@code ok}: accepted without modifiers (a notification: ran without an error);
 *       {@code {ok: TABLE}}: accepted with exactly these modifiers, written as the script returns them;</li>
 *   <li>{@code deny}: refused without a reason code; {@code {deny: CODE}} or
 *       {@code {deny: [CODE, REASON]}}: refused with this reason code (a name such as
 *       {@code quota_exceeded} or a number) and reason string;</li>
 *   <li>{@code next}: nobody decided;</li>
 *   <li>{@code error}: the script failed; {@code {error: TEXT}}: with a message containing TEXT.</li>
 * </ul>
 *
 * Modifiers, reason codes and reasons are validated as a script's are, so an expectation the
 * broker would reject is a mistake in the test file, not a failing case.
 *
 * @param kind       the expected kind of outcome
 * @param modifiers  for {@code ok}: the exact modifiers, or none
 * @param reasonCode for {@code deny}: the reason code, or none
 * @param reason     for {@code deny}: the reason string, or none
 * @param errorText  for {@code error}: text the message must contain, if given
 * @param line       the line of {@code expect} in the test file
 */
record Expectation(OutcomeKind kind, Optional<Modifiers> modifiers, Optional<ReasonCode> reasonCode,
                   Optional<String> reason, Optional<String> errorText, int line) {

    private static final Set<String> DETAILED = Set.of("ok", "deny", "error");

    /** The {@code expect} of a case map; a notification that says nothing expects {@code ok}. */
    static Expectation read(LocatedYaml yaml, Map<String, Object> testCase, Hook<?> hook) throws TestFileException {
        int line = yaml.line(testCase, "expect");
        Object value = testCase.get("expect");
        if (value == null) {
            if (hook instanceof ChainHook<?, ?>) {
                throw yaml.error(testCase, "expect", hook.name() + " decides: say what it should, expect: ok, deny, next or error");
            }
            return simple(OutcomeKind.OK, line);
        }
        OutcomeKind kind;
        Object detail = null;
        if (value instanceof String word) {
            kind = kind(yaml, testCase, word);
        } else if (value instanceof Map<?, ?> map && map.size() == 1 && DETAILED.contains(String.valueOf(map.keySet().iterator().next()))) {
            Map.Entry<?, ?> e = map.entrySet().iterator().next();
            kind = kind(yaml, testCase, String.valueOf(e.getKey()));
            detail = e.getValue();
        } else if (value instanceof Boolean b) {
            // A Lua author's first guess: return true.
            throw yaml.error(testCase, "expect", "expect must be ok, deny, next or error, was " + b
                    + " (write ok where the script returns true, deny for false)");
        } else {
            throw yaml.error(testCase, "expect", "expect must be ok, deny, next or error, or a map with one key ok, deny"
                    + " or error, was " + ModelText.of(value));
        }
        if (!(hook instanceof ChainHook<?, ?> chain)) {
            if (kind == OutcomeKind.DENY || kind == OutcomeKind.NEXT || kind == OutcomeKind.OK && detail != null) {
                throw yaml.error(testCase, "expect", hook.name() + " is a notification, it decides nothing: expect ok or error");
            }
            return kind == OutcomeKind.ERROR ? error(yaml, testCase, detail, line) : simple(kind, line);
        }
        try {
            return switch (kind) {
                case OK -> detail == null ? simple(kind, line) : new Expectation(kind,
                        Optional.of(modifiers(chain, detail)), Optional.empty(), Optional.empty(), Optional.empty(), line);
                case DENY -> detail == null ? simple(kind, line) : deny(chain, detail, line);
                case NEXT -> simple(kind, line);
                case ERROR -> error(yaml, testCase, detail, line);
            };
        } catch (IllegalArgumentException e) {
            throw yaml.error(testCase, "expect", "expect." + kind.word() + ": " + e.getMessage());
        }
    }

    private static OutcomeKind kind(LocatedYaml yaml, Map<String, Object> testCase, String word) throws TestFileException {
        for (OutcomeKind k : OutcomeKind.values()) {
            if (k.word().equals(word)) {
                return k;
            }
        }
        throw yaml.error(testCase, "expect", "expect must be ok, deny, next or error, was " + ModelText.of(word));
    }

    private static Expectation simple(OutcomeKind kind, int line) {
        return new Expectation(kind, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), line);
    }

    private static Expectation error(LocatedYaml yaml, Map<String, Object> testCase, Object detail, int line)
            throws TestFileException {
        if (detail != null && !(detail instanceof String)) {
            throw yaml.error(testCase, "expect", "expect.error must be text the error message contains, was " + ModelText.of(detail));
        }
        return new Expectation(OutcomeKind.ERROR, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.ofNullable((String) detail), line);
    }

    private static Modifiers modifiers(ChainHook<?, ?> hook, Object table) {
        if (!(table instanceof Map<?, ?>) && !(table instanceof List<?>)) {
            throw new IllegalArgumentException("the modifiers must be a table, was " + ModelText.of(table));
        }
        if (HookResults.verdict(hook, table) instanceof Verdict.Ok<?> ok && ok.modifiers().isPresent()) {
            return ok.modifiers().get();
        }
        throw new IllegalArgumentException("not modifiers of " + hook.name() + ": " + ModelText.of(table));
    }

    private static Expectation deny(ChainHook<?, ?> hook, Object detail, int line) {
        List<?> more = detail instanceof List<?> l ? l : List.of(detail);
        if (more.isEmpty() || more.size() > 2) {
            throw new IllegalArgumentException("deny takes a reason code, or [reason code, reason string], was "
                    + ModelText.of(detail));
        }
        Verdict.Deny<?> deny = (Verdict.Deny<?>) HookResults.verdict(hook, Boolean.FALSE, more);
        return new Expectation(OutcomeKind.DENY, Optional.empty(), deny.reasonCode(), deny.reasonString(), Optional.empty(), line);
    }

    /** How {@code actual} differs from this expectation, one line each; empty when it does not. */
    List<String> differences(Outcome actual) {
        List<String> out = new ArrayList<>();
        if (actual.kind() != kind) {
            out.add("expected " + kind.word() + ", was " + actual.kind().word());
            return out;
        }
        switch (kind) {
            case OK -> {
                if (!modifiers.equals(actual.modifiers())) {
                    out.addAll(modifierDifferences(modifiers.map(ModifierTables::of).orElse(null),
                            actual.modifiers().map(ModifierTables::of).orElse(null)));
                }
            }
            case DENY -> {
                if (!reasonCode.equals(actual.reasonCode())) {
                    out.add("reason code: expected " + code(reasonCode) + ", was " + code(actual.reasonCode()));
                }
                if (!reason.equals(actual.reason())) {
                    out.add("reason: expected " + reason.map(ModelText::of).orElse("none") + ", was "
                            + actual.reason().map(ModelText::of).orElse("none"));
                }
            }
            case ERROR -> errorText.filter(t -> !actual.message().contains(t))
                    .ifPresent(t -> out.add("the error does not contain " + ModelText.of(t)));
            case NEXT -> {
            }
        }
        return out;
    }

    private static List<String> modifierDifferences(Object expected, Object actual) {
        if (expected == null) {
            return List.of("expected no modifiers, was " + ModelText.of(actual));
        }
        if (actual == null) {
            return List.of("expected modifiers " + ModelText.of(expected) + ", there were none");
        }
        if (!(expected instanceof Map<?, ?> e) || !(actual instanceof Map<?, ?> a)) {
            return List.of("modifiers: expected " + ModelText.of(expected) + ", was " + ModelText.of(actual));
        }
        List<String> out = new ArrayList<>();
        Set<Object> keys = new LinkedHashSet<>(e.keySet());
        keys.addAll(a.keySet());
        for (Object key : keys) {
            if (!a.containsKey(key)) {
                out.add(key + ": expected " + ModelText.of(e.get(key)) + ", missing");
            } else if (!e.containsKey(key)) {
                out.add(key + ": not expected, was " + ModelText.of(a.get(key)));
            } else if (!ModelEquality.equal(e.get(key), a.get(key))) {
                out.add(key + ": expected " + ModelText.of(e.get(key)) + ", was " + ModelText.of(a.get(key)));
            }
        }
        return out;
    }

    private static String code(Optional<ReasonCode> code) {
        return code.map(c -> c.name().toLowerCase(Locale.ROOT)).orElse("none");
    }

    /** As the report shows it, in the test file's words. */
    String describe() {
        StringBuilder s = new StringBuilder(kind.word());
        modifiers.ifPresent(m -> s.append(' ').append(ModelText.of(ModifierTables.of(m))));
        reasonCode.ifPresent(c -> s.append(' ').append(c.name().toLowerCase(Locale.ROOT)));
        reason.ifPresent(r -> s.append(' ').append(ModelText.of(r)));
        errorText.ifPresent(t -> s.append(" containing ").append(ModelText.of(t)));
        return s.toString();
    }
}
