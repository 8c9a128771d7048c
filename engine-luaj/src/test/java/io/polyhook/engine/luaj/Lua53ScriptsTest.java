package io.polyhook.engine.luaj;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptCallException;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scripts written for VerneMQ 2 (luerl, Lua 5.3) load and run: its operators and libraries, in files and modules. */
class Lua53ScriptsTest {

    @RegisterExtension
    final InlineScripts scripts = new InlineScripts(new LuaEngine());

    @Test
    void a_script_using_lua_5_3_operators_and_libraries_loads_and_decides() throws Exception {
        LoadedScript script = scripts.load("""
                local MAX_QOS = 0x3
                local function bucket(id) return utf8.len(id) // 2 & 0x7 end
                function auth_on_publish(pub)
                    if math.type(pub.qos) ~= "integer" or (1 << pub.qos) & ~MAX_QOS << 2 ~= 0 then
                        return false
                    end
                    return bucket(pub.client_id) == 3
                end
                hooks = { auth_on_publish = auth_on_publish }
                """);
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("clé-42"))).isEqualTo(Verdict.ok());
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("abc"))).isEqualTo(Verdict.deny());
    }

    @Test
    void a_module_in_lua_5_3_is_required() throws Exception {
        scripts.write("halves.lua", "return { half = function(x) return x // 2 end }");
        LoadedScript script = scripts.load("""
                local halves = require "halves"
                hooks = { auth_on_publish = function(pub) return halves.half(7) == 3 end }
                """);
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("c"))).isEqualTo(Verdict.ok());
    }

    @Test
    void a_syntax_error_names_the_file_line_and_column() {
        assertThatThrownBy(() -> scripts.load("local a = 1\nlocal b = a /// 2\nhooks = {}\n"))
                .isInstanceOfSatisfying(ScriptLoadException.class, e -> {
                    assertThat(e.getMessage()).endsWith("test.lua:2:15: unexpected symbol near '/'");
                    assertThat(e.line()).hasValue(2);
                    assertThat(e.column()).hasValue(15);
                    assertThat(e.reason()).isEqualTo("unexpected symbol near '/'");
                });
    }

    @Test
    void an_error_in_an_operator_names_the_line_of_the_script() throws Exception {
        LoadedScript script = scripts.load("""
                hooks = {
                    auth_on_publish = function(pub)
                        local zero = pub.qos - pub.qos
                        return 1 // zero == 0
                    end
                }
                """);
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("c")))
                .isInstanceOf(ScriptCallException.class)
                .hasMessageEndingWith("test.lua:4: attempt to divide by zero");
    }

    @Test
    void load_accepts_lua_5_3_too() throws Exception {
        LoadedScript script = scripts.load("""
                local f = load("return 7 // 2 | 8")
                hooks = { auth_on_publish = function(pub) return f() == 11 end }
                """);
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("c"))).isEqualTo(Verdict.ok());
    }
}
