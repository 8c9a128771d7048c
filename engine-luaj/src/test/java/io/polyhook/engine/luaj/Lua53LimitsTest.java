package io.polyhook.engine.luaj;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edges where Polyhook's Lua differs from Lua 5.3, as documented in docs/scripting.md: each
 * row of {@code lua53/limits.txt} gives an expression, what it gives here, and what Lua 5.3.6
 * gives ({@link Lua53ReferenceTest} checks the last against {@code lua5.3}).
 */
class Lua53LimitsTest {

    @TempDir
    static Path dir;

    static List<Lua53Results.Row> limits() {
        return Lua53Results.rows("limits.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limits")
    void gives_the_documented_value(Lua53Results.Row row) {
        String here = row.results().get(0);
        assertThat(Lua53Results.evaluate(new LuaExpressions(dir), row.expression(), here)).isEqualTo(here);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limits")
    void is_a_real_difference(Lua53Results.Row row) {
        // A row that stops differing belongs in expressions.txt.
        assertThat(row.results().get(0)).isNotEqualTo(row.results().get(1));
    }
}
