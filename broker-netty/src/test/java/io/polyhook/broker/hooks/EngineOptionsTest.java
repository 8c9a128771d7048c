package io.polyhook.broker.hooks;

import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code scripts.lua} reaches the Lua engine as its settings, and only it. */
class EngineOptionsTest {

    @TempDir
    Path dir;

    private PolyhookBroker start(String scriptsSection) {
        return PolyhookBroker.builder().discoverPlugins(false).config(BrokerConfig.parse("""
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                persistence: { enabled: false }
                scripts:
                  dir: "%s"
                %s
                """.formatted(dir.toString().replace("\\", "/"), scriptsSection.indent(2)))).start();
    }

    @Test
    void keepStateFromTheLuaSectionIsTheScriptsDefault() throws Exception {
        Files.writeString(dir.resolve("a.lua"), "hooks = {}\n");
        try (PolyhookBroker broker = start("lua: { keep_state: true }")) {
            assertThat(broker.scripts().list().getFirst().details()).containsEntry("keep_state", true);
        }
    }

    @Test
    void withoutALuaSectionScriptsDoNotKeepState() throws Exception {
        Files.writeString(dir.resolve("a.lua"), "hooks = {}\n");
        try (PolyhookBroker broker = start("")) {
            assertThat(broker.scripts().list().getFirst().details()).containsEntry("keep_state", false);
        }
    }

    @Test
    void sandboxOptionsReachTheEngine() throws Exception {
        // With io allowed, a script can see the io library.
        Files.writeString(dir.resolve("a.lua"), "assert(io ~= nil)\nhooks = {}\n");
        try (PolyhookBroker broker = start("lua: { sandbox: { block_io: false } }")) {
            assertThat(broker.scripts().list()).hasSize(1);
        }
    }

    @Test
    void anUnknownSandboxKeyFailsTheLoadWhichStopsTheStart() throws Exception {
        Files.writeString(dir.resolve("a.lua"), "hooks = {}\n");
        assertThatThrownBy(() -> start("lua: { sandbox: { no_such_part: true } }"))
                .isInstanceOf(io.polyhook.broker.ScriptsNotLoadedException.class).hasMessageContaining("no_such_part");
    }

    @Test
    void anUnknownSandboxKeyFailsTheLoadAndUnderOnLoadErrorWarnTheBrokerStillStarts() throws Exception {
        Files.writeString(dir.resolve("a.lua"), "hooks = {}\n");
        try (PolyhookBroker broker = start("on_load_error: warn\nlua: { sandbox: { no_such_part: true } }")) {
            assertThat(broker.scripts().list()).isEmpty();
        }
    }

    @Test
    void engineOptionsThatAreNotAMapStopTheStartNamingTheKey() {
        assertThatThrownBy(() -> BrokerConfig.parse("scripts: { lua: 5 }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("scripts.lua");
    }
}
