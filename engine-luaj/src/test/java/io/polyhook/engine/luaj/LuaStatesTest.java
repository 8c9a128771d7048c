package io.polyhook.engine.luaj;

import io.polyhook.core.script.ScriptCallException;

import io.polyhook.core.script.scenarios.EngineScenarios;
import io.polyhook.core.script.scenarios.Probe;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.DispatchSettings;
import io.polyhook.core.hook.HookDispatcher;
import io.polyhook.core.hook.HookRegistry;
import io.polyhook.core.hook.TimeoutFallback;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEngines;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptInfo;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptManager;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.polyhook.engine.luaj.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** States, their globals and how calls are spread over them. */
class LuaStatesTest {

    @TempDir
    Path dir;
    InlineScripts scripts;

    @BeforeEach
    void setUp() {
        scripts = new InlineScripts(dir);
    }

    @AfterEach
    void tearDown() {
        scripts.close();
    }

    /** Returns the publish topic modifier {@code topic}, to read a value out of a call. */
    private static String answer(Verdict<PublishModifiers> verdict) {
        return ((Verdict.Ok<PublishModifiers>) verdict).modifiers().orElseThrow().topic().orElseThrow();
    }

    private static final String COUNTER = """
            counter = 0
            hooks = {
                auth_on_publish = function(pub)
                    counter = counter + 1
                    rawset(_G, "raw", (rawget(_G, "raw") or 0) + 1)
                    return {topic = "count/" .. counter .. "/" .. rawget(_G, "raw")}
                end
            }
            """;

    @Test
    void without_keep_state_global_assignments_are_forgotten_after_each_call() throws Exception {
        LoadedScript script = scripts.load("num_states = 1\n" + COUNTER);
        for (int i = 0; i < 3; i++) {
            assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("count/1/1");
        }
        assertThat(script.details()).containsEntry("keep_state", false).containsEntry("states", 1);
    }

    @Test
    void with_keep_state_global_assignments_persist_in_the_state() throws Exception {
        LoadedScript script = scripts.load("keep_state = true\n" + COUNTER);
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("count/1/1");
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("count/2/2");
        assertThat(script.details()).containsEntry("keep_state", true).containsEntry("states", 1);
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
    void keep_state_may_come_from_the_engine_settings() throws Exception {
        LoadedScript script = scripts.settings(Map.of("keep_state", true)).load(COUNTER);
        assertThat(script.details()).containsEntry("keep_state", true).containsEntry("states", 1);
    }

    @Test
    void num_states_defaults_to_the_environment() throws Exception {
        LoadedScript script = scripts.defaultStates(3).load("hooks = {}");
        assertThat(script.details()).containsEntry("states", 3);
    }

    @Test
    void num_states_must_be_a_positive_integer() {
        assertThatThrownBy(() -> scripts.load("num_states = 0 hooks = {}"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("num_states");
        assertThatThrownBy(() -> scripts.load("keep_state = 'yes' hooks = {}"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("keep_state");
    }

    @Test
    void each_state_runs_the_file_with_its_own_instance_id() throws Exception {
        LoadedScript script = scripts.load("""
                num_states = 3
                probe.hit("loaded", __SCRIPT_INSTANCE_ID__)
                hooks = { auth_on_publish = function() return {topic = "state/" .. __SCRIPT_INSTANCE_ID__} end }
                """);
        assertThat(scripts.probe.hits()).extracting(Probe.Hit::value).containsExactly(1L, 2L, 3L);
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a"))));
        }
        // Idle states are taken in turn.
        assertThat(answers).containsExactly("state/1", "state/2", "state/3", "state/1", "state/2", "state/3");
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
    void a_caller_waits_a_bounded_time_for_a_free_state() throws Exception {
        LoadedScript script = scripts.stateWait(Duration.ofMillis(200)).load("""
                num_states = 1
                hooks = { auth_on_publish = function(pub)
                    if pub.client_id == "slow" then probe.hit("busy", 1) while true do end end
                    return true
                end }
                """);
        CountDownLatch done = new CountDownLatch(1);
        Thread slow = Thread.ofVirtual().start(() -> {
            try {
                call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("slow"));
            } catch (Exception expected) {
                // stopped by the budget
            } finally {
                done.countDown();
            }
        });
        assertThat(scripts.probe.awaitHit("busy", 1L)).isTrue();
        // The single state may free up before this call gives up; both are fine, a hang is not.
        try {
            call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("other"));
        } catch (ScriptCallException e) {
            assertThat(e).hasMessageContaining("no free Lua state");
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        slow.join();
    }

    @Test
    void concurrent_calls_are_spread_evenly_over_the_states() throws Exception {
        HookRegistry registry = new HookRegistry();
        ScriptEnvironment env = new ScriptEnvironment(List.of(scripts.probe.provider()), 4, Duration.ofSeconds(60), Map.of());
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
        Map<Object, Long> perState = scripts.probe.hits().stream().filter(h -> h.name().equals("balance"))
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
