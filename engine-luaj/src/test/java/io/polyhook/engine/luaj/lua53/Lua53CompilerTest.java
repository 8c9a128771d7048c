package io.polyhook.engine.luaj.lua53;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.jse.JsePlatform;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The compiler in front of LuaJ's: the same code for Lua 5.2 source, bound operators for 5.3. */
class Lua53CompilerTest {

    /** The project's Lua scripts: the default script, the examples, the bundled auth scripts, the engine's test scripts. */
    static List<Path> bundledScripts() throws IOException {
        Path project = Path.of("").toAbsolutePath().getParent();
        try (Stream<Path> files = Stream.of("scripts", "examples", "broker-netty/src/main/resources/auth",
                        "engine-luaj/src/test/resources/scripts/lua")
                .map(project::resolve)
                .flatMap(Lua53CompilerTest::walk)) {
            List<Path> scripts = files.filter(p -> p.toString().endsWith(".lua"))
                    .filter(p -> !p.getFileName().toString().equals("syntax_error.lua"))
                    .sorted().toList();
            assertThat(scripts).hasSizeGreaterThan(10);
            return scripts;
        }
    }

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundledScripts")
    void compiles_the_projects_lua_5_2_scripts_exactly_as_luaj_does(Path script) throws IOException {
        byte[] source = Files.readAllBytes(script);
        String name = "@" + script.getFileName();
        Prototype luaj = LuaC.instance.compile(new ByteArrayInputStream(source), name);
        Prototype ours = Lua53Compiler.INSTANCE.compile(new ByteArrayInputStream(source), name);
        assertThat(describe(ours)).isEqualTo(describe(luaj));
    }

    @Test
    void binds_the_operators_as_constants_not_globals() {
        Globals g = globals();
        LuaValue result = g.load("""
                local function f(a, b) return a // b, a & b, ~a end
                return f(7, 2)
                """, "=t").invoke().arg1();
        assertThat(result.toint()).isEqualTo(3);
        Prototype p = compile("local function f(a, b) return a // b, a & b, ~a end return f");
        assertThat(describe(p)).doesNotContain("GETTABUP");
        assertThat(g.load("local n = 0 for k in pairs(_G) do if tostring(k):find('lua53') then n = n + 1 end end return n")
                .call().toint()).isZero();
    }

    @Test
    void binds_them_in_a_function_with_more_than_256_constants() {
        String constants = IntStream.range(0, 300).mapToObj(i -> "'k" + i + "'").collect(Collectors.joining(", "));
        LuaValue result = globals().load("local t = {" + constants + "} return #t + 7 // 2 + (6 | 1)", "=t").call();
        assertThat(result.toint()).isEqualTo(300 + 3 + 7);
    }

    @Test
    void binds_them_when_env_is_a_local() {
        assertThat(globals().load("local _ENV = {} return 7 // 2 << 1", "=t").call().toint()).isEqualTo(6);
    }

    @Test
    void an_operator_error_names_the_operators_line() {
        assertThatThrownBy(() -> globals().load("local x = 0\nlocal y = 1\nreturn y //\n x", "=t").call())
                .isInstanceOf(LuaError.class)
                .hasMessageContaining("t:3")
                .hasMessageContaining("attempt to divide by zero");
    }

    @Test
    void a_syntax_error_is_a_lua_error_with_the_position() {
        assertThatThrownBy(() -> compile("x = 1 //"))
                .isInstanceOfSatisfying(Lua53SyntaxError.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("t:1:9: unexpected symbol near <eof>");
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.column()).isEqualTo(9);
                });
    }

    private static Globals globals() {
        Globals g = JsePlatform.standardGlobals();
        g.compiler = Lua53Compiler.INSTANCE;
        Lua53Library.install(g);
        return g;
    }

    private static Prototype compile(String source) {
        try {
            return Lua53Compiler.INSTANCE.compile(new ByteArrayInputStream(source.getBytes()), "=t");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Everything LuaJ runs of a prototype, as text: code, constants, lines, locals, upvalues, nested ones. */
    private static String describe(Prototype p) {
        StringBuilder sb = new StringBuilder();
        sb.append("function ").append(p.source).append(':').append(p.linedefined).append('-').append(p.lastlinedefined)
                .append(" params=").append(p.numparams).append(" vararg=").append(p.is_vararg)
                .append(" stack=").append(p.maxstacksize).append('\n');
        for (int pc = 0; pc < p.code.length; pc++) {
            int i = p.code[pc];
            String op = Lua.GET_OPCODE(i) == Lua.OP_GETTABUP ? "GETTABUP" : "op" + Lua.GET_OPCODE(i);
            sb.append("  ").append(p.lineinfo[pc]).append(' ').append(op).append(' ').append(Integer.toHexString(i)).append('\n');
        }
        for (LuaValue k : p.k) {
            sb.append("  K ").append(k.typename()).append(' ').append(k.tojstring()).append('\n');
        }
        for (var v : p.locvars) {
            sb.append("  L ").append(v.varname).append(' ').append(v.startpc).append('-').append(v.endpc).append('\n');
        }
        for (var u : p.upvalues) {
            sb.append("  U ").append(u.name).append(' ').append(u.instack).append(' ').append(u.idx).append('\n');
        }
        for (Prototype inner : p.p) {
            sb.append(describe(inner));
        }
        return sb.toString();
    }
}
