package io.polyhook.core.script.scenarios;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.polyhook.core.script.scenarios.InlineScripts.answer;
import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How every engine keeps a script's states (Lua states, JavaScript contexts): {@code num_states},
 * {@code keep_state}, {@code __SCRIPT_INSTANCE_ID__}, and how calls are spread over the states.
 * A subclass names the engine, whose classpath directory {@code scripts/<extension>} holds the
 * scenario scripts with the same base names in its language, and adds the tests about its
 * language.
 *
 * <p>Both engines run it: engine-luaj and engine-graaljs.
 */
public abstract class StateScenarios {

    private final String stateKind;
    private final String assignment;

    /** Loads inline scripts with the engine under test, a fresh directory per test. */
    @RegisterExtension
    protected final InlineScripts scripts;

    /**
     * @param engine     the engine under test; its scenario scripts are in the classpath directory
     *                   {@code /scripts/<extension>}
     * @param stateKind  what a state is called in its messages: {@code "Lua state"},
     *                   {@code "JavaScript context"}
     * @param assignment how the language sets a global at the top of a file, a format of name
     *                   and value: {@code "%s = %s\n"}
     */
    protected StateScenarios(ScriptEngine engine, String stateKind, String assignment) {
        this.stateKind = stateKind;
        this.assignment = assignment;
        this.scripts = new InlineScripts(engine);
    }

    /** The text of the scenario script {@code name}, to load it, or build on it, inline. */
    protected String text(String name) {
        return InlineScripts.resource("/scripts/" + scripts.extension() + "/" + name + "." + scripts.extension());
    }

    /** A line that sets the global {@code name} to {@code value}, a literal of the language. */
    protected String global(String name, String value) {
        return assignment.formatted(name, value);
    }

    @Test
    void without_keep_state_global_changes_are_forgotten_after_each_call() throws Exception {
        LoadedScript script = scripts.load(global("num_states", "1") + text("counter"));
        for (int i = 0; i < 3; i++) {
            assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("count/1/1/1");
        }
        assertThat(script.details()).containsEntry("keep_state", false).containsEntry("states", 1);
    }

    @Test
    void with_keep_state_global_changes_persist_in_the_state() throws Exception {
        LoadedScript script = scripts.load(global("keep_state", "true") + text("counter"));
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("count/1/1/1");
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("count/2/2/2");
        assertThat(script.details()).containsEntry("keep_state", true).containsEntry("states", 1);
    }

    @Test
    void keep_state_may_come_from_the_engine_settings() throws Exception {
        LoadedScript script = scripts.settings(Map.of("keep_state", true)).load(text("counter"));
        assertThat(script.details()).containsEntry("keep_state", true).containsEntry("states", 1);
    }

    @Test
    void num_states_defaults_to_the_environment() throws Exception {
        LoadedScript script = scripts.defaultStates(3).load(text("no_hooks"));
        assertThat(script.details()).containsEntry("states", 3);
    }

    @Test
    void a_script_that_does_not_set_num_states_runs_its_top_level_code_once_by_default() throws Exception {
        LoadedScript script = scripts.defaultStates(ScriptEnvironment.DEFAULT_STATES)
                .load("probe.hit(\"loaded\", __SCRIPT_INSTANCE_ID__)\n" + text("no_hooks"));
        // As in vmq_diversity: side effects at load (DDL, flushall, log lines) happen once.
        assertThat(scripts.probe().hits()).extracting(Probe.Hit::value).containsExactly(1L);
        assertThat(script.details()).containsEntry("states", 1);
    }

    @Test
    void num_states_and_keep_state_are_checked() {
        assertThatThrownBy(() -> scripts.load(global("num_states", "0") + text("no_hooks")))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("num_states");
        assertThatThrownBy(() -> scripts.load(global("num_states", "1.5") + text("no_hooks")))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("num_states");
        assertThatThrownBy(() -> scripts.load(global("keep_state", "'yes'") + text("no_hooks")))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("keep_state");
    }

    @Test
    void every_state_runs_the_file_with_its_own_instance_id() throws Exception {
        LoadedScript script = scripts.load(text("instance_ids"));
        assertThat(scripts.probe().hits()).extracting(Probe.Hit::value).containsExactly(1L, 2L, 3L);
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a"))));
        }
        // FIFO hand-out: calls rotate over the states.
        assertThat(answers).containsExactly("id/1", "id/2", "id/3", "id/1", "id/2", "id/3");
    }

    @Test
    void a_call_waits_a_bounded_time_for_a_free_state() throws Exception {
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
                .load(text("gate"));
        // The only state is kept busy by a call blocked in a provider: a second call gives up.
        CompletableFuture<Verdict<PublishModifiers>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("hold"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))
                .hasMessageContaining("no free " + stateKind);
        release.countDown();
        assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo(Verdict.ok());
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a"))).isEqualTo(Verdict.ok());
    }

    @Test
    void states_are_independent_and_calls_from_many_threads_are_safe() throws Exception {
        LoadedScript script = scripts.load(text("per_state_counter"));
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
        Map<String, Integer> max = new HashMap<>();
        for (CompletableFuture<String> f : futures) {
            String[] parts = f.get(60, TimeUnit.SECONDS).split("/");
            max.merge(parts[1], Integer.parseInt(parts[2]), Math::max);
            total++;
        }
        assertThat(total).isEqualTo(200);
        assertThat(max.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
    }
}
