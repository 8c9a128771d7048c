package io.polyhook.engine.luaj;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.TimeoutFallback;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.internal.ScriptEngines;
import io.polyhook.core.script.internal.ScriptInfo;
import io.polyhook.core.script.internal.ScriptManager;
import io.polyhook.core.script.scenarios.Probe;
import io.polyhook.core.script.scenarios.StateScenarios;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.polyhook.core.script.scenarios.InlineScripts.answer;
import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** States, their globals and how calls are spread over them: the shared scenarios and Lua's own. */
class LuaStatesTest extends StateScenarios {

    LuaStatesTest() {
        super(new LuaEngine(), "Lua state", "%s = %s\n");
    }

    @Test
    void pairs_over_G_shows_the_globals_the_script_can_read() throws Exception {
        LoadedScript script = scripts.load("""
                answer = 42
                hooks = { auth_on_publish = function()
                    assigned = true
                    local seen = {}
                    for k, v in pairs(_G) do seen[k] = v end
                    return seen.answer == 42 and seen.assigned == true and seen.print == print
                end }
                """);
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a"))).isEqualTo(Verdict.ok());
    }

    @Test
    void require_finds_pure_lua_modules_relative_to_the_scripts_directory() throws Exception {
        scripts.write("auth/auth_commons.lua", "local M = {} function M.topic() return 'from/module' end return M");
        scripts.write("util/init.lua", "return { answer = 42 }");
        LoadedScript script = scripts.load("""
                local commons = require "auth/auth_commons"
                local dotted = require "auth.auth_commons"
                assert(dotted.topic() == commons.topic())
                assert(require("util").answer == 42)
                hooks = { auth_on_publish = function() return {topic = commons.topic()} end }
                """);
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("from/module");
    }

    @Test
    void require_of_a_missing_module_fails_the_load_with_the_places_searched() {
        assertThatThrownBy(() -> scripts.load("require 'nowhere'"))
                .isInstanceOf(ScriptLoadException.class)
                .hasMessageContaining("nowhere");
    }

    @Test
    void concurrent_calls_are_spread_evenly_over_the_states() throws Exception {
        HookRegistry registry = new HookRegistry();
        ScriptEnvironment env = new ScriptEnvironment(List.of(scripts.probe().provider()), 4, Duration.ofSeconds(60), Map.of());
        try (HookDispatcher dispatcher = new HookDispatcher(registry, DispatchSettings.defaults());
             ScriptManager manager = new ScriptManager(registry, ScriptEngines.of(List.of(new LuaEngine())), env)) {
            ScriptInfo info = manager.load(resource("balance.lua"));
            assertThat(info.details()).containsEntry("states", 100).containsEntry("keep_state", false);
            int calls = 10_000;
            List<CompletableFuture<ChainOutcome<PublishModifiers>>> outcomes = new ArrayList<>(calls);
            for (int i = 0; i < calls; i++) {
                // One lane per client: calls of different clients run at the same time.
                outcomes.add(dispatcher.chain(dispatcher.newLane("client-" + i), Hooks.AUTH_ON_PUBLISH,
                        VmqFixtures.publish("client-" + i)).toCompletableFuture());
            }
            for (CompletableFuture<ChainOutcome<PublishModifiers>> outcome : outcomes) {
                assertThat(outcome.get(120, TimeUnit.SECONDS)).isInstanceOf(ChainOutcome.Allowed.class);
            }
        }
        Map<Object, Long> perState = scripts.probe().hits().stream().filter(h -> h.name().equals("balance"))
                .collect(Collectors.groupingBy(Probe.Hit::value, Collectors.counting()));
        assertThat(perState).hasSize(100);
        double expected = 10_000 / 100.0;
        double chiSquare = perState.values().stream().mapToDouble(n -> (n - expected) * (n - expected) / expected).sum();
        // 99 degrees of freedom: the 99.9th percentile is about 148. FIFO hand-out keeps it far lower.
        assertThat(chiSquare).isLessThan(148.0);
    }

    @Test
    void a_call_that_misses_its_deadline_is_stopped_and_its_state_serves_the_next_call() throws Exception {
        Path file = scripts.write("spin.lua", """
                num_states = 1
                hooks = { auth_on_publish = function(pub)
                    if pub.client_id == "spin" then while true do end end
                    return true
                end }
                """);
        HookRegistry registry = new HookRegistry();
        ScriptEnvironment env = new ScriptEnvironment(List.of(), 4, Duration.ofSeconds(60),
                Map.of("lua", Map.of("sandbox", Map.of("instruction_limit", Long.MAX_VALUE / 2))));
        DispatchSettings deadlines = DispatchSettings.builder().deadline(Duration.ofMillis(300))
                .fallback(TimeoutFallback.DENY).build();
        try (HookDispatcher dispatcher = new HookDispatcher(registry, deadlines);
             ScriptManager manager = new ScriptManager(registry, ScriptEngines.of(List.of(new LuaEngine())), env)) {
            manager.load(file);
            ChainOutcome<PublishModifiers> spun = dispatcher.chain(dispatcher.newLane("spin"), Hooks.AUTH_ON_PUBLISH,
                    VmqFixtures.publish("spin")).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertThat(spun).isInstanceOf(ChainOutcome.Denied.class);
            assertThat(((ChainOutcome.Denied<?>) spun).cause()).isEqualTo(ChainOutcome.Cause.TIMEOUT);
            // The only state is given back once the interrupted call stops.
            assertThat(dispatcher.chain(dispatcher.newLane("next"), Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("next"))
                    .toCompletableFuture().get(60, TimeUnit.SECONDS)).isInstanceOf(ChainOutcome.Allowed.class);
        }
    }

    private Path resource(String name) throws URISyntaxException {
        return Path.of(getClass().getResource("/scripts/lua/" + name).toURI());
    }
}
