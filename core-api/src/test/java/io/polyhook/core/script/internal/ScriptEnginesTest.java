package io.polyhook.core.script.internal;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.core.script.fake.FakeEngine;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScriptEnginesTest {

    /** An engine that takes whatever extensions it is given. */
    private record Named(String name, Set<String> extensions) implements ScriptEngine {
        @Override
        public LoadedScript load(ScriptSource source, ScriptEnvironment environment) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void serviceLoaderFindsTheEnginesOnTheClassPath() {
        ScriptEngines engines = ScriptEngines.discover(ScriptEnginesTest.class.getClassLoader());

        assertThat(engines.forExtension("fake")).get().isInstanceOf(FakeEngine.class);
    }

    @Test
    void extraEnginesJoinTheDiscoveredOnes() {
        ScriptEngines engines = ScriptEngines.discover(ScriptEnginesTest.class.getClassLoader(),
                List.of(new Named("lua", Set.of("lua"))));

        assertThat(engines.extensions()).containsExactly("fake", "lua");
    }

    @Test
    void theEngineIsChosenByTheFileExtensionInAnyCase() {
        ScriptEngines engines = ScriptEngines.of(List.of(new Named("lua", Set.of("lua"))));

        assertThat(engines.forPath(Path.of("scripts/AUTH.Lua"))).get().extracting(ScriptEngine::name).isEqualTo("lua");
        assertThat(engines.forPath(Path.of("scripts/auth.js"))).isEmpty();
        assertThat(engines.forPath(Path.of("scripts/lua"))).isEmpty();
        assertThat(engines.forPath(Path.of("scripts/.lua"))).isEmpty();
    }

    @Test
    void twoEnginesForOneExtensionAreRefusedNamingBoth() {
        List<ScriptEngine> clash = List.of(new Named("luaj", Set.of("lua")), new Named("luajit", Set.of("lua")));

        assertThatThrownBy(() -> ScriptEngines.of(clash)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("luaj (").hasMessageContaining("luajit (").hasMessageContaining(".lua");
    }

    @Test
    void twoEnginesWithOneNameAreRefused() {
        List<ScriptEngine> clash = List.of(new Named("lua", Set.of("lua")), new Named("lua", Set.of("luau")));

        assertThatThrownBy(() -> ScriptEngines.of(clash)).hasMessageContaining("two script engines are named lua");
    }

    @Test
    void anExtensionWithADotOrCapitalsIsRefused() {
        assertThatThrownBy(() -> ScriptEngines.of(List.of(new Named("lua", Set.of(".lua")))))
                .hasMessageContaining("'.lua'");
        assertThatThrownBy(() -> ScriptEngines.of(List.of(new Named("lua", Set.of("LUA")))))
                .hasMessageContaining("'LUA'");
    }
}
