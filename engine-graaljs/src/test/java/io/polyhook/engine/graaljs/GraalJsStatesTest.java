package io.polyhook.engine.graaljs;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.scenarios.StateScenarios;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;
import org.junit.jupiter.api.Test;

import static io.polyhook.core.script.scenarios.InlineScripts.answer;
import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Contexts, their globals, keep_state, and how calls are spread over them: the shared scenarios and JavaScript's own. */
class GraalJsStatesTest extends StateScenarios {

    GraalJsStatesTest() {
        super(new GraalJsEngine(), "JavaScript context", "var %s = %s;\n");
    }

    @Test
    void without_keep_state_reassigned_and_deleted_globals_come_back() throws Exception {
        LoadedScript script = scripts.load("""
                var num_states = 1;
                var answer = 42;
                globalThis.configurable = "kept";
                var hooks = {
                    auth_on_publish(pub) {
                        const seen = answer + "/" + configurable + "/" + typeof probe.echo;
                        answer = 0;
                        delete globalThis.configurable;
                        probe = undefined;
                        hooks = null;
                        return {topic: seen};
                    },
                };
                """);
        for (int i = 0; i < 2; i++) {
            assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("42/kept/function");
        }
    }

    @Test
    void top_level_let_bindings_are_like_lua_locals_and_persist() throws Exception {
        LoadedScript script = scripts.load("""
                var num_states = 1;
                let calls = 0;
                const hooks = { auth_on_publish() { calls++; return {topic: "calls/" + calls}; } };
                """);
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("calls/1");
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("calls/2");
    }

    @Test
    void keep_state_and_num_states_may_be_let_or_const() throws Exception {
        LoadedScript script = scripts.load("const keep_state = true; let num_states = 2; const hooks = {};");
        assertThat(script.details()).containsEntry("keep_state", true).containsEntry("states", 2);
    }

    @Test
    void hooks_must_be_an_object() {
        assertThatThrownBy(() -> scripts.load("var hooks = 5;"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("hooks must be an object");
    }
}
