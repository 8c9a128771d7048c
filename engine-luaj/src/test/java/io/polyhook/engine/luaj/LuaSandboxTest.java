package io.polyhook.engine.luaj;

import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.scenarios.EngineScenarios;
import io.polyhook.core.script.scenarios.Probe;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hostile scripts: each is stopped, reported with file and line as an error of its call, and
 * leaves the script serving.
 */
class LuaSandboxTest {

    @RegisterExtension
    final InlineScripts scripts = new InlineScripts(new LuaEngine());

    private LoadedScript hostile(String body) throws ScriptLoadException {
        return HostileCalls.hostile(scripts, body);
    }

    private void assertStoppedAndStillServing(String body, String expectedMessage) throws Exception {
        LoadedScript script = hostile(body);
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil")))
                .hasMessageMatching("(?s)(.*/)?test\\.lua:\\d+: .*")
                .hasMessageContaining(expectedMessage);
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("good"))).isEqualTo(Verdict.ok());
    }

    @Test
    void an_endless_loop_is_stopped_at_the_hook_deadline() throws Exception {
        scripts.stateWait(Duration.ofMillis(300));
        assertStoppedAndStillServing("while true do end", "the call ran past its deadline of 300 ms (scripts.hook_timeout)");
    }

    @Test
    void pcall_cannot_swallow_the_deadline() throws Exception {
        scripts.stateWait(Duration.ofMillis(300));
        assertStoppedAndStillServing("while true do pcall(function() while true do end end) end", "scripts.hook_timeout");
    }

    @Test
    void an_instruction_limit_applies_when_it_is_set() throws Exception {
        scripts.settings(Map.of("sandbox", Map.of("instruction_limit", 100_000L)));
        assertStoppedAndStillServing("while true do end",
                "instruction limit of 100000 exceeded (scripts.lua.sandbox.instruction_limit)");
    }

    @Test
    void deep_recursion_is_stopped() throws Exception {
        assertStoppedAndStillServing("local function f(n) return 1 + f(n + 1) end f(1)", "stack overflow");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "string.rep('x', 1e10)             | string.rep",
            "local s = ('x'):rep(1e10)         | string.rep",
            "local s = string.rep('x', 1e7, ('y'):rep(10)) | string.rep",
            "local s = 'x' for i = 1, 40 do s = s .. s end | concatenation",
            "local t = {} for i = 1, 20 do t[i] = ('x'):rep(1e6) end local s = table.concat(t) | table.concat",
            "local s = ('x'):rep(1e6) s = s:gsub('x', ('y'):rep(100))   | string.gsub",
            "local s = ('x'):rep(1e6) s = s:gsub('x', {x = ('y'):rep(100)}) | string.gsub",
            "local s = ('x'):rep(1e6) s = s:gsub('(x)', '%1%1%1%1%1%1%1%1%1%1%1%1%1%1%1%1%1%1%1%1') | string.gsub",
            "local b = ('x'):rep(1e7) local s = string.format('%s%s', b, b) | string.format",
    })
    void string_bombs_are_refused_before_they_allocate(String body, String what) throws Exception {
        assertStoppedAndStillServing(body, what);
    }

    @Test
    void ordinary_string_work_on_a_large_payload_is_not_refused() throws Exception {
        LoadedScript script = hostile("local p = ('secret '):rep(500000) "
                + "local masked = p:gsub('secret', '******') assert(#masked == #p) "
                + "assert(#string.format('%s!', p) == #p + 1) assert(#(p .. p) == 2 * #p)");
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil"))).isEqualTo(Verdict.ok());
    }

    @Test
    void a_call_interrupted_at_its_deadline_stops() throws Exception {
        LoadedScript script = scripts.stateWait(Duration.ofMinutes(10))
                .load("hooks = { auth_on_publish = function(pub) probe.hit('spinning', 1) while true do end end }");
        assertThat(HostileCalls.interruptedCall(scripts, script, "spinning"))
                .hasMessageContaining("interrupted at the hook's deadline (scripts.hook_timeout)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "os.execute('true')                     | os.execute is not available in the sandbox (scripts.lua.sandbox.restrict_os: false allows it)",
            "os.exit(1)                             | os.exit is not available in the sandbox (scripts.lua.sandbox.restrict_os: false allows it)",
            "os.remove('x')                         | os.remove is not available in the sandbox (scripts.lua.sandbox.restrict_os: false allows it)",
            "io.open('/etc/passwd')                 | io.open is not available in the sandbox (scripts.lua.sandbox.block_io: false allows it)",
            "luajava.bindClass('java.lang.System')  | luajava.bindClass is not available in the sandbox (scripts.lua.sandbox.block_luajava: false allows it)",
            "debug.getinfo(1)                       | debug.getinfo is not available in the sandbox (scripts.lua.sandbox.hide_debug: false allows it)",
            "coroutine.create(function() end)       | coroutine.create is not available in the sandbox (scripts.lua.sandbox.block_coroutines: false allows it)",
            "require('io').open('x')                | io.open is not available in the sandbox",
    })
    void dangerous_functions_are_refused_naming_the_key_that_allows_them(String body, String message) throws Exception {
        assertStoppedAndStillServing(body, message);
    }

    @Test
    void harmless_os_functions_remain() throws Exception {
        LoadedScript script = hostile("assert(os.time() > 0 and os.clock() >= 0 and os.date('%Y') and os.difftime(2, 1) == 1)"
                + " assert(os.getenv('PATH') ~= nil and os.getenv('NO_SUCH_VARIABLE_POLYHOOK') == nil)");
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil"))).isEqualTo(Verdict.ok());
    }

    @Test
    void dofile_outside_the_scripts_directory_is_refused() throws Exception {
        assertStoppedAndStillServing("dofile('/etc/passwd')", "outside the scripts directory");
    }

    @Test
    void loadfile_outside_the_scripts_directory_returns_nil_and_a_reason() throws Exception {
        assertStoppedAndStillServing("local f, err = loadfile('../outside.lua') error(err)", "outside the scripts directory");
    }

    @Test
    void files_inside_the_scripts_directory_can_be_loaded() throws Exception {
        scripts.write("lib/answer.lua", "return 42");
        LoadedScript script = hostile("assert(dofile('lib/answer.lua') == 42) assert(loadfile('lib/answer.lua')() == 42)");
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil"))).isEqualTo(Verdict.ok());
    }

    @Test
    void binary_chunks_from_string_dump_are_refused() throws Exception {
        assertStoppedAndStillServing("local f, err = load(string.dump(function() return 1 end)) error(err)",
                "binary (precompiled) chunks are not allowed");
    }

    @Test
    void binary_chunks_by_their_signature_are_refused() throws Exception {
        assertStoppedAndStillServing("local f, err = load('\\27Lua\\82\\0') error(err)", "binary (precompiled) chunks are not allowed");
    }

    @Test
    void a_binary_module_is_refused_by_require() throws Exception {
        scripts.write("binmod.lua", "\u001bLua");
        assertStoppedAndStillServing("require('binmod')", "binary (precompiled) chunks are not allowed");
    }

    @Test
    void scripts_cannot_reach_or_change_the_string_metatable() throws Exception {
        LoadedScript script = hostile("assert(getmetatable('') == false) "
                + "assert(not pcall(setmetatable, _G, nil)) return ('x'):upper() == 'X'");
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil"))).isEqualTo(Verdict.ok());
    }

    @Test
    void a_script_changing_its_string_table_does_not_change_other_scripts() throws Exception {
        LoadedScript meddler = scripts.load("meddler.lua", "string.upper = function() return 'pwned' end "
                + "hooks = { auth_on_publish = function() return ('x'):upper() == 'pwned' end }");
        LoadedScript victim = scripts.load("victim.lua", "hooks = { auth_on_publish = function() return ('x'):upper() == 'X' end }");
        assertThat(call(meddler, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("any"))).isEqualTo(Verdict.ok());
        assertThat(call(victim, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("any"))).isEqualTo(Verdict.ok());
    }

    @Test
    void the_sandbox_settings_can_turn_a_part_off() throws Exception {
        LoadedScript script = scripts.settings(Map.of("sandbox", Map.of("restrict_os", false)))
                .load("hooks = { auth_on_publish = function() return type(os.remove) == 'function' end }");
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("any"))).isEqualTo(Verdict.ok());
    }

    @Test
    void an_unknown_sandbox_setting_fails_the_load() {
        assertThatThrownBy(() -> scripts.settings(Map.of("sandbox", Map.of("block_everything", true))).load("hooks = {}"))
                .isInstanceOf(ScriptLoadException.class)
                .hasMessageContaining("block_everything");
    }

    @Test
    void a_budget_violation_at_load_fails_the_load() {
        assertThatThrownBy(() -> scripts.load("local s = 'x'\nfor i = 1, 40 do s = s .. s end"))
                .isInstanceOf(ScriptLoadException.class)
                .hasMessageContaining("test.lua:2: ")
                .hasMessageContaining("concatenation");
    }

    @Test
    void many_calls_after_violations_still_work() throws Exception {
        scripts.stateWait(Duration.ofMillis(100));
        LoadedScript script = hostile("while true do end");
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil")));
            assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("good"))).isEqualTo(Verdict.ok());
        }
    }
}
