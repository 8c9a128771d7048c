package io.polyhook.broker.scripttest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Which library calls a fixture answers. */
class FixtureTest {

    private static final String SQL = "SELECT name FROM users WHERE name = $1";

    record Row(String fixture, String call, List<Object> arguments, boolean matches) {
        @Override
        public String toString() {
            return fixture + " / " + call + arguments + " -> " + matches;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("{call: postgres.execute, returns: 1}", "postgres.execute", List.of("p", SQL, "a"), true),
                new Row("{call: postgres.execute, returns: 1}", "mysql.execute", List.of("p", SQL, "a"), false),
                new Row("{call: postgres.execute, returns: 1}", "postgres.hash_method", List.of(), false),
                new Row("{call: postgres.execute, pool: p, returns: 1}", "postgres.execute", List.of("p", SQL), true),
                new Row("{call: postgres.execute, pool: p, returns: 1}", "postgres.execute", List.of("q", SQL), false),
                new Row("{call: postgres.execute, query: FROM users, returns: 1}", "postgres.execute", List.of("p", SQL), true),
                new Row("{call: postgres.execute, query: '^FROM', returns: 1}", "postgres.execute", List.of("p", SQL), false),
                new Row("{call: postgres.execute, query: FROM users, returns: 1}", "postgres.execute", List.of("p"), false),
                new Row("{call: postgres.execute, params: [a, 1], returns: 1}", "postgres.execute", List.of("p", SQL, "a", 1.0), true),
                new Row("{call: postgres.execute, params: [a, 1], returns: 1}", "postgres.execute", List.of("p", SQL, "a"), false),
                new Row("{call: postgres.execute, params: [a, 1], returns: 1}", "postgres.execute", List.of("p", SQL, "a", 1L, "b"), false),
                new Row("{call: postgres.execute, params: [a, 1], returns: 1}", "postgres.execute", Arrays.asList("p", SQL, "a", 1L, null), true),
                new Row("{call: postgres.execute, params: [], returns: 1}", "postgres.execute", List.of("p", SQL), true),
                new Row("{call: mongodb.find_one, args: [p, c, {k: v}], returns: 1}", "mongodb.find_one", List.of("p", "c", Map.of("k", "v")), true),
                new Row("{call: mongodb.find_one, args: [p, c, {k: v}], returns: 1}", "mongodb.find_one",
                        List.of("p", "c", Map.of("k", "v", "x", 1L)), false),
                new Row("{call: mongodb.find_one, args: [p, c, {k: v}], returns: 1}", "mongodb.find_one", List.of("p", "c"), false),
                new Row("{call: mongodb.find_one, args: [p, {}], returns: 1}", "mongodb.find_one", List.of("p", List.of()), true),
                new Row("{call: memcached.get, args: [p, key], returns: 1}", "memcached.get",
                        List.of("p", "key".getBytes(StandardCharsets.UTF_8)), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void aFixtureAnswersTheCallsItDescribes(Row row) throws TestFileException {
        LocatedYaml yaml = LocatedYaml.parse(Path.of("f.test.yaml"), row.fixture());
        Fixture fixture = Fixture.read(yaml, yaml.root());
        int dot = row.call().indexOf('.');

        assertThat(fixture.matches(row.call().substring(0, dot), row.call().substring(dot + 1), row.arguments()))
                .isEqualTo(row.matches());
    }
}
