package io.polyhook.engine.graaljs;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.scenarios.Probe;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.polyhook.engine.graaljs.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Contexts, their globals, keep_state, and how calls are spread over them. */
class GraalJsStatesTest {

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
    static String answer(Verdict<PublishModifiers> verdict) {
        return ((Verdict.Ok<PublishModifiers>) verdict).modifiers().orElseThrow().topic().orElseThrow();
    }

    private static final String COUNTER = """
            var counter = 0;
            var hooks = {
                auth_on_publish(pub) {
                    counter = counter + 1;
                    globalThis.added = (globalThis.added || 0) + 1;
                    implicit = (typeof implicit === "undefined" ? 0 : implicit) + 1;
                    return {topic: "count/" + counter + "/" + globalThis.added + "/" + implicit};
                },
            };
            """;

    @Test
    void without_keep_state_global_changes_are_forgotten_after_each_call() throws Exception {
        LoadedScript script = scripts.load("var num_states = 1;\n" + COUNTER);
        for (int i = 0; i < 3; i++) {
            assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("count/1/1/1");
        }
        assertThat(script.details()).containsEntry("keep_state", false).containsEntry("states", 1);
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
    void with_keep_state_global_changes_persist_in_the_context() throws Exception {
        LoadedScript script = scripts.load("var keep_state = true;\n" + COUNTER);
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("count/1/1/1");
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("count/2/2/2");
        assertThat(script.details()).containsEntry("keep_state", true).containsEntry("states", 1);
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
    void keep_state_may_come_from_the_engine_settings() throws Exception {
        LoadedScript script = scripts.settings(Map.of("keep_state", true)).load(COUNTER);
        assertThat(script.details()).containsEntry("keep_state", true).containsEntry("states", 1);
    }

    @Test
    void num_states_defaults_to_the_environment() throws Exception {
        LoadedScript script = scripts.defaultStates(3).load("var hooks = {};");
        assertThat(script.details()).containsEntry("states", 3);
    }

    @Test
    void num_states_and_keep_state_are_checked() {
        assertThatThrownBy(() -> scripts.load("var num_states = 0; var hooks = {};"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("num_states");
        assertThatThrownBy(() -> scripts.load("var num_states = 1.5; var hooks = {};"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("num_states");
        assertThatThrownBy(() -> scripts.load("var keep_state = 'yes'; var hooks = {};"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("keep_state");
        assertThatThrownBy(() -> scripts.load("var hooks = 5;"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("hooks must be an object");
    }

    @Test
    void every_context_runs_the_file_with_its_own_instance_id() throws Exception {
        LoadedScript script = scripts.load("""
                var num_states = 3;
                probe.hit("loaded", __SCRIPT_INSTANCE_ID__);
                var hooks = { auth_on_publish() { return {topic: "id/" + __SCRIPT_INSTANCE_ID__}; } };
                """);
        assertThat(scripts.probe.hits()).extracting(Probe.Hit::value).containsExactly(1L, 2L, 3L);
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a"))));
        }
        // FIFO hand-out: calls rotate over the contexts.
        assertThat(answers).containsExactly("id/1", "id/2", "id/3", "id/1", "id/2", "id/3");
    }

    @Test
    void a_call_waits_a_bounded_time_for_a_free_context() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LoadedScript script = scripts.stateWait(Duration.ofMillis(200))
                .provider(DataProvider.builder("gate").function("hold", args -> {
                    entered.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }).build())
                .load("""
                        var num_states = 1;
                        var hooks = { auth_on_publish(pub) { if (pub.client_id === "hold") gate.hold(); return true; } };
                        """);
        // The only context is kept busy by a call blocked in a provider: a second call gives up.
        CompletableFuture<Verdict<PublishModifiers>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("hold"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))
                .hasMessageContaining("no free JavaScript context");
        release.countDown();
        assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo(Verdict.ok());
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a"))).isEqualTo(Verdict.ok());
    }

    @Test
    void contexts_are_independent_and_calls_from_many_threads_are_safe() throws Exception {
        LoadedScript script = scripts.load("""
                var num_states = 4;
                var keep_state = true;
                var calls = 0;
                var hooks = { auth_on_publish(pub) { calls++; return {topic: "t/" + __SCRIPT_INSTANCE_ID__ + "/" + calls}; } };
                """);
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, command -> Thread.ofVirtual().start(command)));
        }
        int total = 0;
        Map<String, Integer> max = new java.util.HashMap<>();
        for (CompletableFuture<String> f : futures) {
            String[] parts = f.get(60, TimeUnit.SECONDS).split("/");
            max.merge(parts[1], Integer.parseInt(parts[2]), Math::max);
            total++;
        }
        assertThat(total).isEqualTo(200);
        assertThat(max.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
    }
}
