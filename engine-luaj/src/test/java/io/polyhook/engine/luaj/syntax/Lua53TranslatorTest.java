package io.polyhook.engine.luaj.syntax;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How the front end spells Lua 5.3 for LuaJ's 5.2 compiler. */
class Lua53TranslatorTest {

    private static String translate(String source) throws LuaSyntaxException {
        return new String(Lua53Translator.translate(source.getBytes(StandardCharsets.UTF_8), "=t").source(),
                StandardCharsets.UTF_8);
    }

    @Test
    void lua_5_2_source_is_given_to_luaj_as_written() throws LuaSyntaxException {
        byte[] source = """
                local t = { 1, 2.5, 0x10, "a\\tb", [[long]] }  -- comment
                function t.f(a, ...) return a % 2, a / 3, a ^ 2, #t, not a, -a, a .. "x", ... end
                for i = 1, 10 do if i ~= 3 then goto continue end ::continue:: end
                """.getBytes(StandardCharsets.UTF_8);
        Translation t = Lua53Translator.translate(source, "=t");
        assertThat(t.source()).isSameAs(source);
        assertThat(t.functions()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', value = {
            "x = a // b => x = (__lua53_idiv(a , b))",
            "x = a//b => x = (__lua53_idiv(a,b))",
            "x = ~a => x = (__lua53_bnot(a))",
            "x = a & b | c => x = (__lua53_bor((__lua53_band(a , b)) , c))",
            "x = a | b & c => x = (__lua53_bor(a , (__lua53_band(b , c))))",
            "x = a ~ b => x = (__lua53_bxor(a , b))",
            "x = a << b >> c => x = (__lua53_shr((__lua53_shl(a , b)) , c))",
            "x = ~~a => x = (__lua53_bnot((__lua53_bnot(a))))",
            "x = -a // b ^ 2 => x = (__lua53_idiv(-a , b ^ 2))",
            "x = a .. b // c => x = a .. (__lua53_idiv(b , c))",
            "x = f(a // b, c)[1] => x = f((__lua53_idiv(a , b)), c)[1]",
            "x = a % n => x = (__lua53_mod(a , n))",
            "x = a % 0 => x = (__lua53_mod(a , 0))",
            "x = a % 2 + b % -3 => x = a % 2 + b % -3",
            "x = 0xffffffffffffffff => x = (-1)",
            "x = 0x7fffffffffffffff => x = 9223372036854775807",
            "x = 0xff => x = 0xff",
            "x = 0x1p4 => x = 16.0",
            "x = -0x8000000000000000 => x = -(-9223372036854775808)",
            "s = '\\u{48}\\u{20AC}' => `s = \"H\\226\\130\\172\"`",
    })
    void spells_what_luaj_lacks(String source, String expected) throws LuaSyntaxException {
        assertThat(translate(source)).isEqualTo(expected);
    }

    @Test
    void every_token_stays_on_its_line() throws LuaSyntaxException {
        String source = """
                local a, b = 7, 2 -- 1
                local c = a //    -- 2
                  b               -- 3
                local d = ~       -- 4
                  (a              -- 5
                  & b) | 0xffffffffffffffff -- 6
                local s = '\\u{48}\\
                \\z
                  x'              -- 9
                error(c .. d)     -- 10
                """;
        String translated = translate(source);
        List<String> lines = translated.lines().toList();
        assertThat(lines).hasSize(10);
        List<String> original = source.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (original.get(i).endsWith("-- " + (i + 1))) {
                assertThat(lines.get(i)).as(translated).endsWith("-- " + (i + 1));
            }
        }
    }

    @Test
    void a_string_with_an_escape_and_a_line_break_keeps_its_bytes() throws LuaSyntaxException {
        assertThat(translate("s = '\\u{48}\\\nb'\nx = 1")).isEqualTo("s = \"H\\010b\\z\n\"\nx = 1");
    }

    @Test
    void the_operators_get_names_the_script_does_not_use() throws LuaSyntaxException {
        Translation t = Lua53Translator.translate("__lua53_idiv = 1 x = a // b".getBytes(StandardCharsets.UTF_8), "=t");
        assertThat(t.functions()).containsExactlyEntriesOf(java.util.Map.of(Operator.IDIV, "__lua53_1_idiv"));
        assertThat(t.calls()).isEqualTo(1);
        Translation numbered = Lua53Translator.translate("__lua53_7_idiv = 1 __lua53_2_bor = 2 x = a | b"
                .getBytes(StandardCharsets.UTF_8), "=t");
        assertThat(numbered.functions()).containsExactlyEntriesOf(java.util.Map.of(Operator.BOR, "__lua53_8_bor"));
    }

    @Test
    void a_hash_line_at_the_top_is_skipped() throws LuaSyntaxException {
        assertThat(translate("#!/usr/bin/lua\nx = a // b")).isEqualTo("#!/usr/bin/lua\nx = (__lua53_idiv(a , b))");
    }

    @Test
    void names_chunks_as_lua_does() {
        assertThat(Lua53Translator.display("@scripts/auth.lua")).isEqualTo("scripts/auth.lua");
        assertThat(Lua53Translator.display("=(load)")).isEqualTo("(load)");
        assertThat(Lua53Translator.display("return 1")).isEqualTo("[string \"return 1\"]");
        assertThat(Lua53Translator.display("x = 1\nreturn x")).isEqualTo("[string \"x = 1...\"]");
    }
}
