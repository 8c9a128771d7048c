package io.polyhook.engine.luaj;

import io.polyhook.core.script.internal.ScriptEngines;
import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.ScriptLoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading: what a file must declare, and what makes it fail. */
class LuaEngineTest {

    @RegisterExtension
    final InlineScripts scripts = new InlineScripts(new LuaEngine());

    @Test
    void is_found_by_the_service_loader_for_lua_files() {
        ScriptEngines engines = ScriptEngines.discover(LuaEngine.class.getClassLoader());
        assertThat(engines.forExtension("lua")).get().isInstanceOf(LuaEngine.class)
                .extracting(e -> e.name()).isEqualTo("luaj");
    }

    @Test
    void a_library_called_by_a_script_knows_the_script_by_name_for_its_log_lines() throws Exception {
        java.nio.file.Path file = scripts.write("auth_users.lua", """
                hooks = { auth_on_publish = function(pub) return whoami.script() == "auth_users" end }
                """);
        io.polyhook.core.provider.DataProvider whoami = io.polyhook.core.provider.DataProvider.builder("whoami")
                .function("script", args -> org.slf4j.MDC.get("script")).build();
        var script = new LuaEngine().load(new io.polyhook.core.script.ScriptSource(file, scripts.root()),
                new io.polyhook.core.script.ScriptEnvironment(java.util.List.of(whoami), 1, java.time.Duration.ofSeconds(5), Map.of()));
        try {
            assertThat(InlineScripts.call(script, io.polyhook.spi.Hooks.AUTH_ON_PUBLISH,
                    io.polyhook.core.script.scenarios.VmqFixtures.publish("c"))).isEqualTo(io.polyhook.spi.Verdict.ok());
            assertThat(org.slf4j.MDC.get("script")).isNull();
        } finally {
            script.close();
        }
    }

    @Test
    void the_config_may_loosen_the_sandbox_for_one_script_by_its_file_name() throws Exception {
        java.nio.file.Path trusted = scripts.write("trusted.lua", "assert(type(io.open) == 'function', 'io for the trusted script')\nhooks = {}");
        java.nio.file.Path other = scripts.write("other.lua", "assert(not pcall(function() return io.open end), 'no io for the others')\nhooks = {}");
        var env = new io.polyhook.core.script.ScriptEnvironment(java.util.List.of(), 1, java.time.Duration.ofSeconds(5),
                Map.of("lua", Map.of("scripts", Map.of("trusted.lua", Map.of("sandbox", Map.of("block_io", false))))));
        var registry = new io.polyhook.core.hook.internal.HookRegistry();
        try (var manager = new io.polyhook.core.script.internal.ScriptManager(registry,
                io.polyhook.core.script.internal.ScriptEngines.of(java.util.List.of(new LuaEngine())), env)) {
            manager.load(trusted);
            manager.load(other);
            assertThat(manager.list()).hasSize(2);
        }
    }

    @Test
    void a_script_without_hooks_loads_and_is_never_called() throws Exception {
        assertThat(scripts.load("x = 1").handlers()).isEmpty();
    }

    @Test
    void hooks_that_is_not_a_table_fails_the_load() {
        assertThatThrownBy(() -> scripts.load("hooks = 42"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("hooks must be a table");
    }

    @Test
    void a_precompiled_file_fails_the_load() {
        assertThatThrownBy(() -> scripts.load("\u001bLua\u0052\u0000"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("binary (precompiled) chunks are not allowed");
    }

    @Test
    void an_error_in_a_required_module_fails_the_load_naming_the_module() {
        scripts.write("broken.lua", "local x = nil\nreturn x.field");
        assertThatThrownBy(() -> scripts.load("require 'broken'"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("broken.lua:2: ");
    }

    @Test
    void states_that_do_not_declare_what_state_one_declares_fail_the_load() {
        assertThatThrownBy(() -> scripts.load("""
                num_states = 2
                hooks = {}
                if __SCRIPT_INSTANCE_ID__ == 1 then hooks.auth_on_publish = function() return true end end
                """))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("state 2").hasMessageContaining("auth_on_publish");
    }

    @Test
    void an_invalid_setting_fails_the_load_with_its_key() {
        assertThatThrownBy(() -> scripts.settings(Map.of("sandbox", Map.of("instruction_limit", "lots"))).load("hooks = {}"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("instruction_limit");
    }
}
