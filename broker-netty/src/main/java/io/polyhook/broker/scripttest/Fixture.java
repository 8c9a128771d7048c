package io.polyhook.broker.scripttest;

import io.polyhook.core.provider.Values;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An answer a test file declares for a library call, in place of a database. A statement call
 * (the SQL libraries' {@code execute}, {@code redis.cmd}) is matched by its parts:
 *
 * <pre>{@code
 * - call: postgres.execute                 # library.function
 *   pool: auth_postgres                    # the first argument, exactly (optional)
 *   query: FROM vmq_auth_acl               # a regular expression found in the second (optional)
 *   params: ["", car-1, alice, secret]     # every argument after the second (optional)
 *   returns: [{client_id: car-1, verified: true}]
 * }</pre>
 *
 * any other call by all its arguments: {@code args: [auth_mongodb, vmq_acl_auth, {client_id: car-1}]}
 * ({@code args} does not go with {@code pool}, {@code query} or {@code params}); a fixture with
 * none of them answers every call of its function. Instead of {@code returns}, {@code error:
 * TEXT} makes the call fail with that message, as a database that is down does. Values compare
 * as a script sees them ({@code 1} equals {@code 1.0}); trailing {@code nil} arguments are not
 * counted.
 *
 * @param library  the library's name
 * @param function the function's name
 * @param pool     the first argument, if the fixture names it
 * @param query    searched for in the second argument, if given
 * @param params   the arguments after the second, if given
 * @param args     all the arguments, if given
 * @param answer   what the call gives
 * @param line     where the fixture starts in its test file
 */
record Fixture(String library, String function, Optional<String> pool, Optional<Pattern> query,
               Optional<List<Object>> params, Optional<List<Object>> args, Answer answer, int line) {

    /** What a matching call gives. */
    sealed interface Answer permits Returns, Fails {
    }

    /** The call returns {@code value}, a model value shared by every call. */
    record Returns(Object value) implements Answer {
    }

    /** The call fails with {@code message}. */
    record Fails(String message) implements Answer {
    }

    private static final Set<String> KEYS = Set.of("call", "pool", "query", "params", "args", "returns", "error");
    private static final Pattern CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\.([A-Za-z_][A-Za-z0-9_]*)");

    /** A fixture from its map in a test file. */
    static Fixture read(LocatedYaml yaml, Object value) throws TestFileException {
        if (!(value instanceof Map<?, ?> raw)) {
            throw yaml.error(value, "a fixture must be a map with call and returns (or error), was " + ModelText.of(value));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) raw;
        for (String key : m.keySet()) {
            if (!KEYS.contains(key)) {
                throw yaml.error(m, key, key + " is not a fixture key (call, pool, query, params, args, returns, error)");
            }
        }
        if (!(m.get("call") instanceof String call) || !CALL.matcher(call).matches()) {
            throw yaml.error(m, "call", "a fixture needs call: library.function, was " + ModelText.of(m.get("call")));
        }
        int dot = call.indexOf('.');
        if (m.containsKey("args") && (m.containsKey("pool") || m.containsKey("query") || m.containsKey("params"))) {
            throw yaml.error(m, "args", "args lists every argument of the call; it does not go with pool, query or params");
        }
        if (m.containsKey("returns") == m.containsKey("error")) {
            throw yaml.error(m, "call", "a fixture needs either returns (the value; null for nil) or error (a message)");
        }
        Answer answer;
        if (m.containsKey("error")) {
            if (!(m.get("error") instanceof String message)) {
                throw yaml.error(m, "error", "error must be the message of the failure, was " + ModelText.of(m.get("error")));
            }
            answer = new Fails(message);
        } else {
            answer = new Returns(Values.immutableCopy(m.get("returns")));
        }
        return new Fixture(call.substring(0, dot), call.substring(dot + 1), text(yaml, m, "pool"), query(yaml, m),
                list(yaml, m, "params"), list(yaml, m, "args"), answer, yaml.line(m));
    }

    private static Optional<String> text(LocatedYaml yaml, Map<String, Object> m, String key) throws TestFileException {
        Object v = m.get(key);
        if (v != null && !(v instanceof String)) {
            throw yaml.error(m, key, key + " must be text, was " + ModelText.of(v));
        }
        return Optional.ofNullable((String) v);
    }

    private static Optional<Pattern> query(LocatedYaml yaml, Map<String, Object> m) throws TestFileException {
        Optional<String> query = text(yaml, m, "query");
        try {
            return query.map(Pattern::compile);
        } catch (PatternSyntaxException e) {
            throw yaml.error(m, "query", "query is not a regular expression: " + e.getDescription());
        }
    }

    @SuppressWarnings("unchecked")
    private static Optional<List<Object>> list(LocatedYaml yaml, Map<String, Object> m, String key) throws TestFileException {
        Object v = m.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof List<?>)) {
            throw yaml.error(m, key, key + " must be a list of arguments, was " + ModelText.of(v));
        }
        return Optional.of((List<Object>) Values.immutableCopy(v));
    }

    /** Whether a call of {@code library.function} with {@code arguments} is answered by this fixture. */
    boolean matches(String library, String function, List<Object> arguments) {
        if (!this.library.equals(library) || !this.function.equals(function)) {
            return false;
        }
        List<Object> actual = withoutTrailingNils(arguments);
        if (pool.isPresent() && (actual.isEmpty() || !ModelEquality.equal(pool.get(), actual.getFirst()))) {
            return false;
        }
        if (query.isPresent()) {
            Object statement = actual.size() > 1 ? actual.get(1) : null;
            String text = statement instanceof String s ? s : statement instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
            if (text == null || !query.get().matcher(text).find()) {
                return false;
            }
        }
        if (params.isPresent() && !sameList(params.get(), actual.size() > 2 ? actual.subList(2, actual.size()) : List.of())) {
            return false;
        }
        return args.isEmpty() || sameList(args.get(), actual);
    }

    private static boolean sameList(List<Object> expected, List<Object> actual) {
        return ModelEquality.equal(withoutTrailingNils(expected), actual);
    }

    private static List<Object> withoutTrailingNils(List<Object> values) {
        int n = values.size();
        while (n > 0 && values.get(n - 1) == null) {
            n--;
        }
        return values.subList(0, n);
    }
}
