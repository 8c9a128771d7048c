package io.polyhook.engine.luaj.syntax;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A chunk that is not Lua 5.3 is refused with Lua 5.3's message at the user's line and column:
 * the cases of {@code lua53/syntax-errors.txt}, whose messages are Lua 5.3.6's with the column
 * added (checked against {@code lua5.3} where it is installed).
 */
class Lua53SyntaxErrorsTest {

    /** A case: the source and the message. */
    record Case(String written, byte[] source, String message) {
        @Override
        public String toString() {
            return written;
        }
    }

    static List<Case> cases() throws IOException {
        String text;
        try (InputStream in = Lua53SyntaxErrorsTest.class.getResourceAsStream("/lua53/syntax-errors.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] parts = line.split(" ==> ", 2);
                cases.add(new Case(parts[0], unescape(parts[0]), parts[1]));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void is_refused_with_line_and_column(Case c) {
        assertThatThrownBy(() -> Lua53Translator.translate(c.source(), "=t.lua"))
                .isInstanceOf(LuaSyntaxException.class)
                .hasMessage(c.message());
    }

    @Test
    void the_exception_carries_the_position_apart() {
        assertThatThrownBy(() -> Lua53Translator.translate("local a = 1\nlocal b = a // / 2\n".getBytes(StandardCharsets.UTF_8), "@auth.lua"))
                .isInstanceOfSatisfying(LuaSyntaxException.class, e -> {
                    assertThat(e.chunk()).isEqualTo("auth.lua");
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(16);
                    assertThat(e.reason()).isEqualTo("unexpected symbol near '/'");
                });
    }

    @Test
    void hostile_nesting_is_refused_before_it_reaches_the_java_stack() {
        String source = "x = " + "(".repeat(100_000) + "1" + ")".repeat(100_000);
        assertThatThrownBy(() -> Lua53Translator.translate(source.getBytes(StandardCharsets.UTF_8), "=t.lua"))
                .isInstanceOf(LuaSyntaxException.class)
                .hasMessageMatching("t\\.lua:1:\\d+: too many C levels \\(limit is 200\\) in main function near '\\('");
    }

    @Test
    void the_messages_are_lua_5_3s(@TempDir Path dir) throws Exception {
        Path lua = Lua53Binary.find().orElse(null);
        assumeTrue(lua != null, "lua5.3 is not installed");
        List<Case> cases = cases();
        StringBuilder script = new StringBuilder();
        for (Case c : cases) {
            script.append("print((select(2, load(").append(luaLiteral(c.source())).append(", '=t.lua')):gsub('\\n', ' ')))\n");
        }
        Path file = dir.resolve("errors.lua");
        Files.writeString(file, script, StandardCharsets.ISO_8859_1);
        List<String> printed = new String(Lua53Binary.run(lua, file.toString()).getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8).lines().toList();
        for (int i = 0; i < cases.size(); i++) {
            String withoutColumn = cases.get(i).message().replaceFirst("^(t\\.lua:\\d+):\\d+: ", "$1: ");
            assertThat(printed.get(i)).as(cases.get(i).written()).isEqualTo(withoutColumn);
        }
    }

    /** {@code \n}, {@code \\} and {@code \xHH} decoded to bytes; other characters as UTF-8. */
    private static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> out.write('\n');
                    case '\\' -> out.write('\\');
                    case 'x' -> {
                        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> throw new IllegalArgumentException("escape \\" + e + " in " + s);
                }
            } else {
                out.writeBytes(String.valueOf(ch).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static String luaLiteral(byte[] bytes) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : bytes) {
            sb.append('\\').append(String.format("%03d", b & 0xff));
        }
        return sb.append('"').toString();
    }
}
