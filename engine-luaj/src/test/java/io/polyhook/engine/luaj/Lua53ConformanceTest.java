package io.polyhook.engine.luaj;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lua 5.3's operators and library functions give here what real Lua 5.3 gives: each row of
 * {@code lua53/expressions.txt} is an expression and what Lua 5.3.6 printed for it
 * ({@link Lua53ReferenceTest} checks that against {@code lua5.3} where it is installed).
 * Numbers are compared by value: LuaJ has no integer/float subtype, so 5.3's {@code 3.0} is
 * {@code 3} here (the limits are in {@code lua53/limits.txt}, see {@link Lua53LimitsTest}).
 */
class Lua53ConformanceTest {

    @TempDir
    static Path dir;

    static List<Lua53Results.Row> expressions() {
        return Lua53Results.rows("expressions.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expressions")
    void gives_what_lua_5_3_gives(Lua53Results.Row row) {
        String expected = row.results().getFirst();
        assertThat(Lua53Results.evaluate(new LuaExpressions(dir), row.expression(), expected)).isEqualTo(expected);
    }
}
