package io.polyhook.engine.luaj;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The default sandbox stops runaway and dangerous scripts, not ordinary ones: what VerneMQ's
 * scripts do (read the environment, extend {@code package.path} with a folder of their own,
 * busy-wait on {@code os.clock}, compute for a while) loads and runs with the default config.
 * Runaway code is stopped by time (the hook deadline, {@code load_timeout} at load) and memory.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LuaSandboxDefaultsTest {

    @RegisterExtension
    final InlineScripts scripts = new InlineScripts(new LuaEngine());

    @TempDir
    Path elsewhere;

    @Test
    void a_vernemq_style_script_loads_and_runs_with_the_default_config() throws Exception {
        Files.writeString(elsewhere.resolve("vmq_helper.lua"), """
                local M = {}
                function M.allowed(topic) return #topic > 0 end
                return M
                """);
        // A deadline a busy machine does not reach: what is tested is that nothing else stops the script.
        LoadedScript script = scripts.stateWait(Duration.ofSeconds(60)).load("""
                package.path = package.path .. ";%s/?.lua"
                local helper = require "vmq_helper"
                local home = os.getenv("HOME")
                -- Busy-wait at load, past what an instruction limit of 1,000,000 allowed.
                local t0 = os.clock()
                while os.clock() - t0 < 0.3 do end
                local function work()
                    local n = 0
                    for i = 1, 1000000 do n = n + i %% 7 end
                    return n
                end
                function auth_on_publish(pub)
                    local t = os.clock()
                    while os.clock() - t < 0.2 do end
                    assert(work() > 0)
                    local ok, trace = xpcall(function() error("boom") end, debug.traceback)
                    assert(not ok and trace:find("boom") and trace:find("stack traceback:"))
                    io.write("publish on ", pub.topic, "\\n")
                    return helper.allowed(pub.topic)
                end
                hooks = { auth_on_publish = auth_on_publish }
                """.formatted(elsewhere.toString().replace("\\", "/")));
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("any"))).isEqualTo(Verdict.ok());
    }

    @Test
    void top_level_code_that_never_ends_stops_at_the_load_timeout() {
        assertThatThrownBy(() -> scripts.settings(Map.of("sandbox", Map.of("load_timeout", "500ms")))
                .load("local n = 0\nwhile true do n = n + 1 end"))
                .isInstanceOf(ScriptLoadException.class)
                .hasMessageContaining("test.lua:2: top-level code ran longer than 500 ms (scripts.lua.sandbox.load_timeout)");
    }

    @Test
    void the_load_timeout_is_10_s_by_default_and_takes_milliseconds_too() {
        assertThat(LuaSettings.defaults().loadTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(LuaSettings.defaults().instructionLimit()).as("no instruction limit").isZero();
        assertThat(LuaSettings.of(Map.of("sandbox", Map.of("load_timeout", 1500L))).loadTimeout())
                .isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void an_invalid_load_timeout_fails_the_load_naming_the_key() {
        assertThatThrownBy(() -> scripts.settings(Map.of("sandbox", Map.of("load_timeout", "soon"))).load("hooks = {}"))
                .isInstanceOf(ScriptLoadException.class)
                .hasMessageContaining("sandbox.load_timeout must be a duration");
    }

    @Test
    void require_reads_only_lua_files_outside_the_scripts_directory() throws Exception {
        Files.writeString(elsewhere.resolve("secret"), "return 'read'");
        LoadedScript script = scripts.load("""
                package.path = "%s/?"
                hooks = { auth_on_publish = function() require "secret" end }
                """.formatted(elsewhere.toString().replace("\\", "/")));
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("any")))
                .hasMessageContaining("outside the scripts directory only .lua files are read; "
                        + "scripts.lua.sandbox.confine_files: false allows others");
    }

    @Test
    void dofile_outside_the_scripts_directory_names_the_key_that_allows_it() throws Exception {
        Files.writeString(elsewhere.resolve("lib.lua"), "return 1");
        LoadedScript script = scripts.load("""
                hooks = { auth_on_publish = function() return dofile("%s/lib.lua") == 1 end }
                """.formatted(elsewhere.toString().replace("\\", "/")));
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("any")))
                .hasMessageContaining("outside the scripts directory")
                .hasMessageContaining("(scripts.lua.sandbox.confine_files: false allows it)");
    }

    @Test
    void a_precompiled_chunk_names_the_key_that_allows_it() throws Exception {
        LoadedScript script = scripts.load("""
                hooks = { auth_on_publish = function() local f, err = load(string.dump(function() end)) error(err) end }
                """);
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("any")))
                .hasMessageContaining("(scripts.lua.sandbox.block_bytecode: false allows them)");
    }
}
