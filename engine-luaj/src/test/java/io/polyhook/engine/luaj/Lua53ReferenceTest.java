package io.polyhook.engine.luaj;

import io.polyhook.engine.luaj.syntax.Lua53Binary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Lua 5.3 columns of the result tables are what real Lua 5.3 prints: runs the tables'
 * expressions through {@code lua5.3} and {@code render.lua}. Only where {@link Lua53Binary
 * lua5.3 is installed}; the other Lua 5.3 tests do not need it.
 */
class Lua53ReferenceTest {

    @TempDir
    static Path dir;

    @Test
    void the_expressions_table_is_what_lua_5_3_prints() throws Exception {
        List<Lua53Results.Row> rows = Lua53Results.rows("expressions.txt");
        List<String> printed = lua53(rows);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(printed.get(i)).isEqualTo(rows.get(i).expression() + " ==> " + rows.get(i).results().getFirst());
        }
    }

    @Test
    void the_lua_5_3_column_of_the_limits_table_is_what_lua_5_3_prints() throws Exception {
        List<Lua53Results.Row> rows = Lua53Results.rows("limits.txt");
        List<String> printed = lua53(rows);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(printed.get(i)).isEqualTo(rows.get(i).expression() + " ==> " + rows.get(i).results().getLast());
        }
    }

    private static List<String> lua53(List<Lua53Results.Row> rows) throws Exception {
        Path lua = Lua53Binary.find().orElse(null);
        assumeTrue(lua != null, "lua5.3 is not installed");
        Path expressions = dir.resolve("expressions.lua.txt");
        Files.write(expressions, rows.stream().map(Lua53Results.Row::expression).toList(), StandardCharsets.UTF_8);
        Path render = dir.resolve("render.lua");
        Files.writeString(render, Lua53Results.text("render.lua"), StandardCharsets.UTF_8);
        List<String> lines = Lua53Binary.run(lua, render.toString(), expressions.toString()).lines().toList();
        assertThat(lines).hasSize(rows.size());
        return lines;
    }
}
