package io.polyhook.engine.graaljs;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptCallException;
import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import static io.polyhook.core.script.scenarios.InlineScripts.answer;
import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What bounds a call besides the statement limit: the restore of {@code keep_state = false}, the
 * built-ins that loop in Java, interrupts reaching them, and the per-call memory cap. Also run on
 * the optimizing runtime (the surefire execution {@code optimizing-runtime}).
 */
class GraalJsLimitsTest {

    @RegisterExtension
    final InlineScripts scripts = new InlineScripts(new GraalJsEngine());

    /** A script whose auth_on_publish returns "ran/" + what {@code expression} gives, or "threw/" + the error's name. */
    private String attempt(String expression) throws Exception {
        LoadedScript script = scripts.load("""
                var num_states = 1;
                var hooks = { auth_on_publish(pub) {
                    try { return {topic: "ran/" + String(%s)}; } catch (e) { return {topic: "threw/" + e.name}; }
                } };
                """.formatted(expression));
        return answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")));
    }

    @Test
    void a_call_that_adds_thousands_of_globals_gets_a_fresh_context_instead_of_a_restore_one_name_at_a_time()
            throws Exception {
        LoadedScript script = scripts.load("""
                var num_states = 1;
                probe.hit("file ran", __SCRIPT_INSTANCE_ID__);
                var hooks = { auth_on_publish(pub) {
                    const before = typeof g4999;
                    if (pub.client_id === "flood") for (let i = 0; i < 5000; i++) globalThis["g" + i] = i;
                    if (pub.client_id === "few") for (let i = 0; i < 10; i++) globalThis["f" + i] = i;
                    return {topic: before + "/" + typeof f9};
                } };
                """);
        assertThat(scripts.probe().awaitHit("file ran", 1L)).isTrue();
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("flood")))).isEqualTo("undefined/undefined");
        // The 5,000 names were not deleted: the context was replaced and the file ran again.
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("few")))).isEqualTo("undefined/number");
        assertThat(scripts.probe().hits()).filteredOn(h -> h.name().equals("file ran")).hasSize(2);
        // A few added globals are deleted in place: no new context.
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("undefined/undefined");
        assertThat(scripts.probe().hits()).filteredOn(h -> h.name().equals("file ran")).hasSize(2);
    }

    @Test
    void a_thrown_error_still_undoes_the_global_changes_of_the_call() throws Exception {
        LoadedScript script = scripts.load("""
                var num_states = 1;
                var level = "load";
                var hooks = { auth_on_publish(pub) {
                    const seen = level + "/" + typeof extra;
                    level = "changed"; globalThis.extra = 1;
                    if (pub.client_id === "throw") throw new Error("boom");
                    return {topic: seen};
                } };
                """);
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("throw")))
                .hasMessageContaining("boom");
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("load/undefined");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Array.prototype.lastIndexOf.call({length: 2 ** 53 - 1}, 1)",
            "Array.prototype.indexOf.call({length: 2 ** 53 - 1}, 1)",
            "Array.prototype.includes.call({length: 2 ** 53 - 1}, 1)",
            "Array.prototype.join.call({length: 2 ** 53 - 1}, '')",
            "Array.prototype.fill.call({length: 2 ** 53 - 1}, 0)",
            "Array.prototype.copyWithin.call({length: 2 ** 53 - 1}, 0, 1)",
            "Array.prototype.reverse.call({length: 2 ** 53 - 1})",
            "[].concat({length: 2 ** 53 - 1, [Symbol.isConcatSpreadable]: true})",
            "new Array(2 ** 32 - 1).lastIndexOf(1)",
            "new Array(2 ** 32 - 1).sort()",
            "Array.from({length: 2 ** 32 - 1})",
    })
    void array_built_ins_refuse_lengths_they_would_loop_over_for_hours(String expression) throws Exception {
        assertThat(attempt(expression)).isEqualTo("threw/RangeError");
    }

    @Test
    void array_built_ins_work_as_before_within_the_limit() throws Exception {
        assertThat(attempt("[3, 1, undefined, 10, 2].sort().join()")).isEqualTo("ran/1,10,2,3,");
        assertThat(attempt("[3, 1, 2].toSorted((a, b) => b - a).join() + [1, 2].concat([3], 4).lastIndexOf(4)"))
                .isEqualTo("ran/3,2,13");
        assertThat(attempt("Array.from({length: 3}, (_, i) => i * 2).map(x => x + 1).indexOf(5)")).isEqualTo("ran/2");
        assertThat(attempt("[Array.prototype.sort.name, Array.prototype.sort.length, Array.from.length].join()"))
                .isEqualTo("ran/sort,1,1");
    }

    @Test
    void the_array_limit_can_be_raised() throws Exception {
        scripts.settings(Map.of("sandbox", Map.of("max_array_length", 10L)));
        assertThat(attempt("new Array(10).fill(1).length")).isEqualTo("ran/10");
        assertThat(attempt("new Array(11).fill(1).length")).isEqualTo("threw/RangeError");
    }

    @Test
    void big_int_is_off_in_the_sandbox() throws Exception {
        // Its arithmetic runs in Java without interrupt checks: 2n ** 2000000000n takes seconds and 250 MB.
        assertThat(attempt("eval('2n ** 2000000000n')")).isEqualTo("threw/SyntaxError");
        assertThat(attempt("typeof BigInt")).isEqualTo("ran/undefined");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Array.from({length: 1e6}, Math.random).sort().length",
            "/^(a|aa)+\\1$/.test('a'.repeat(5000) + 'b')",
            "(() => { while (true) { } })()",
    })
    void an_interrupt_reaches_long_built_ins_and_the_context_serves_again(String expression) throws Exception {
        // A limit too high to matter: only the interrupt can stop the call.
        scripts.settings(Map.of("sandbox", Map.of("statement_limit", Long.MAX_VALUE / 2)));
        LoadedScript script = scripts.load("""
                var num_states = 1;
                var hooks = { auth_on_publish(pub) {
                    if (pub.client_id === "long") { probe.hit("started", 1); return {topic: "r/" + String(%s)}; }
                    return true;
                } };
                """.formatted(expression));
        CompletableFuture<Verdict<PublishModifiers>> running = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().start(() -> complete(running, script, "long"));
        assertThat(scripts.probe().awaitHit("started", 1L)).isTrue();
        thread.interrupt();
        // The bound only keeps a broken build from hanging; it asserts no timing.
        assertThatThrownBy(() -> running.get(120, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().hasMessageMatching(".*test\\.js(:\\d+)?: interrupted.*");
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a"))).isEqualTo(Verdict.ok());
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "platform"})
    void a_call_that_allocates_past_the_memory_cap_is_cancelled_and_the_context_serves_again(String threads)
            throws Exception {
        scripts.settings(Map.of("sandbox", Map.of("max_call_memory", 64L << 20)));
        LoadedScript script = scripts.load("""
                var num_states = 1;
                var hooks = { auth_on_publish(pub) {
                    if (pub.client_id === "hog") {
                        const keep = [];
                        for (let i = 0; i < 64; i++) keep.push(new Uint8Array(16 * 1024 * 1024));
                        return {topic: "kept/" + keep.length};
                    }
                    return true;
                } };
                """);
        ThreadFactory factory = threads.equals("virtual") ? Thread.ofVirtual().factory() : Thread.ofPlatform().factory();
        CompletableFuture<Verdict<PublishModifiers>> hog = new CompletableFuture<>();
        factory.newThread(() -> complete(hog, script, "hog")).start();
        assertThatThrownBy(() -> hog.get(120, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ScriptCallException.class)
                .hasMessageMatching(".*test\\.js:\\d+: memory limit of 64 MiB per call exceeded");
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a"))).isEqualTo(Verdict.ok());
    }

    private static void complete(CompletableFuture<Verdict<PublishModifiers>> result, LoadedScript script, String client) {
        try {
            result.complete(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(client)));
        } catch (Throwable e) {
            result.completeExceptionally(e);
        }
    }
}
