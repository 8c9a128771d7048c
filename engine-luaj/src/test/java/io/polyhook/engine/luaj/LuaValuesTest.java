package io.polyhook.engine.luaj;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Conversions between Lua values and the model, as the reference and the value model fix them. */
class LuaValuesTest {

    private static final Globals LUA = LuaSandbox.newGlobals(LuaSettings.defaults(),
            new LuaBudget(LuaSettings.defaults(), java.time.Duration.ofSeconds(5)), "values");

    private static LuaValue eval(String expression) {
        return LUA.load("return " + expression, "=values").call();
    }

    static Stream<Arguments> luaToModel() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("x", List.of(1L, Map.of("y", true)));
        return Stream.of(
                Arguments.of("nil", null),
                Arguments.of("true", true),
                Arguments.of("false", false),
                Arguments.of("42", 42L),
                Arguments.of("-7", -7L),
                Arguments.of("2^40", 1L << 40),
                Arguments.of("1001.0", 1001L),
                Arguments.of("1.5", 1.5),
                Arguments.of("'text'", "text"),
                Arguments.of("'h\\195\\169llo'", "héllo"),
                Arguments.of("{}", Map.of()),
                Arguments.of("{1, 2, 3}", List.of(1L, 2L, 3L)),
                Arguments.of("{'a', {'b'}}", List.of("a", List.of("b"))),
                Arguments.of("{a = 1}", Map.of("a", 1L)),
                Arguments.of("{[1] = 'x', [3] = 'z'}", Map.of("1", "x", "3", "z")),
                Arguments.of("{x = {1, {y = true}}}", nested));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void luaToModel(String lua, Object model) {
        assertThat(LuaValues.toModel(eval(lua))).isEqualTo(model);
    }

    @Test
    void a_string_that_is_not_utf8_becomes_bytes() {
        assertThat(LuaValues.toModel(eval("'\\255\\0'"))).isEqualTo(new byte[] {(byte) 0xFF, 0});
    }

    @Test
    void functions_have_no_model_value() {
        assertThatThrownBy(() -> LuaValues.toModel(eval("{f = print}"))).isInstanceOf(LuaError.class)
                .hasMessageContaining("cannot convert a function value");
    }

    @Test
    void a_table_that_contains_itself_fails_instead_of_looping() {
        LuaTable t = new LuaTable();
        t.rawset("self", t);
        assertThatThrownBy(() -> LuaValues.toModel(t)).isInstanceOf(LuaError.class).hasMessageContaining("nested");
    }

    static Stream<Arguments> modelToLua() {
        return Stream.of(
                Arguments.of("text", "type(v) == 'string' and v == 'text'"),
                Arguments.of("héllo", "#v == 6"),
                Arguments.of(new byte[] {(byte) 0xFF}, "#v == 1 and v:byte(1) == 255"),
                Arguments.of(42L, "v == 42 and math.floor(v) == v"),
                Arguments.of(1L << 40, "v == 2^40"),
                Arguments.of(1.5, "v == 1.5"),
                Arguments.of(true, "v == true"),
                Arguments.of(List.of("a", "b"), "#v == 2 and v[1] == 'a' and v[2] == 'b'"),
                Arguments.of(Map.of("k", List.of(1L)), "v.k[1] == 1"),
                Arguments.of(Map.of(), "next(v) == nil"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void modelToLua(Object model, String check) {
        LuaValue f = LUA.load("local v = ... return " + check, "=check");
        assertThat(f.call(LuaValues.toLua(model)).toboolean()).isTrue();
    }

    @Test
    void every_return_value_after_the_first_is_kept() {
        assertThat(LuaValues.rest(LUA.load("return false, 135, 'not yours'", "=r").invoke()))
                .containsExactly(135L, "not yours");
        assertThat(LuaValues.rest(LUA.load("return true", "=r").invoke())).isEmpty();
    }
}
