package io.polyhook.core.script;

import io.polyhook.core.script.fake.FakeEngine;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ScriptEnvironmentTest {

    @Test
    void aScriptThatDoesNotAskGetsOneStateAsInVmqDiversity() {
        assertThat(ScriptEnvironment.defaults().defaultStates()).isEqualTo(1);
    }

    @Test
    void anEngineSeesOnlyTheSectionsOfItsExtensions() {
        ScriptEnvironment env = new ScriptEnvironment(List.of(), 4, Duration.ofSeconds(5),
                Map.of("fake", Map.of("keep_state", true), "lua", Map.of("sandbox", Map.of("enabled", false))));

        assertThat(env.forEngine(new FakeEngine()).settings()).containsExactly(Map.entry("keep_state", true));
    }

    @Test
    void anEngineWithoutASectionGetsNoSettings() {
        ScriptEnvironment env = new ScriptEnvironment(List.of(), 4, Duration.ofSeconds(5), Map.of("lua", Map.of("x", 1L)));

        assertThat(env.forEngine(new FakeEngine()).settings()).isEmpty();
    }

    @Test
    void aScriptMayHaveItsOwnSettingsMergedOverTheEnginesByFileName() {
        ScriptEnvironment env = new ScriptEnvironment(List.of(), 4, Duration.ofSeconds(5), Map.of(
                "sandbox", Map.of("block_io", true, "instruction_limit", 1000L),
                "scripts", Map.of("trusted.lua", Map.of("sandbox", Map.of("block_io", false)))));

        ScriptEnvironment trusted = env.forScript(new ScriptSource(java.nio.file.Path.of("/s/trusted.lua"), java.nio.file.Path.of("/s")));
        ScriptEnvironment other = env.forScript(new ScriptSource(java.nio.file.Path.of("/s/other.lua"), java.nio.file.Path.of("/s")));

        assertThat(trusted.settings()).isEqualTo(Map.of("sandbox", Map.of("block_io", false, "instruction_limit", 1000L)));
        assertThat(other.settings()).isEqualTo(Map.of("sandbox", Map.of("block_io", true, "instruction_limit", 1000L)));
    }
}
