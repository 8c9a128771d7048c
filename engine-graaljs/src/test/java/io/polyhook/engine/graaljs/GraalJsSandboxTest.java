package io.polyhook.engine.graaljs;

import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.ScriptCallException;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.polyhook.core.script.scenarios.InlineScripts.answer;
import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile scripts: host access, files, threads, runaway loops and memory. */
class GraalJsSandboxTest {

    @RegisterExtension
    final InlineScripts scripts = new InlineScripts(new GraalJsEngine());

    /** A script whose auth_on_publish runs {@code attack} and returns what it threw, or "ran: result". */
    private String attempt(String attack) throws Exception {
        LoadedScript script = scripts.load("""
                var num_states = 1;
                var hooks = { auth_on_publish(pub) {
                    try {
                        const r = (function () { %s })();
                        return {topic: "ran/" + String(r)};
                    } catch (e) {
                        return {topic: "threw/" + (e && e.name) + "/" + (e && e.message)};
                    }
                } };
                """.formatted(attack));
        return answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "return Java.type('java.lang.System').exit(1);",
            "return Java.type('java.lang.Thread');",
            "return Packages.java.lang.System;",
            "return java.lang.Runtime.getRuntime();",
            "return Polyglot.eval('js', '1');",
            "return Polyglot.import('x');",
            "return require('fs').readFileSync('/etc/passwd');",
            "return load('/etc/passwd');",
            "return loadWithNewGlobal({script: '1'});",
            "return new Worker('x.js');",
            "return read('/etc/passwd');",
            "return readFully('/etc/passwd');",
            "return Graal.versionJS;",
            "return new SharedArrayBuffer(8);",
            "return Atomics.wait(new Int32Array(4), 0, 0);",
            "return quit();",
            "return process.exit(1);",
            "return setTimeout(() => 1, 1);",
    })
    void host_files_threads_and_other_languages_are_out_of_reach(String attack) throws Exception {
        assertThat(attempt(attack)).startsWith("threw/");
    }

    @Test
    void a_dynamic_import_is_rejected() throws Exception {
        Files.writeString(scripts.root().resolve("module.mjs"), "export const x = 1;");
        scripts.load("""
                var num_states = 1;
                for (const m of ['fs', './module.mjs', '%s']) {
                    import(m).then(() => probe.hit('imported', m), e => probe.hit('rejected', m));
                }
                var hooks = {};
                """.formatted(scripts.root().resolve("module.mjs")));
        assertThat(scripts.probe().hits()).extracting(h -> h.name()).containsOnly("rejected").hasSize(3);
    }

    @Test
    void the_host_is_not_visible_at_all() throws Exception {
        assertThat(attempt("return [typeof Java, typeof Packages, typeof java, typeof Polyglot, typeof Graal, "
                + "typeof load, typeof require, typeof SharedArrayBuffer, typeof Atomics].join(',');"))
                .isEqualTo("ran/" + String.join(",", java.util.Collections.nCopies(9, "undefined")));
    }

    @Test
    void eval_stays_inside_the_sandbox_and_under_the_limit() throws Exception {
        assertThat(attempt("return eval('1 + 2') + new Function('return 4')();")).isEqualTo("ran/7");
        LoadedScript script = scripts.load("var hooks = { auth_on_publish() { return eval('while (true) {}'); } };");
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))
                .hasMessageContaining("statement limit");
    }

    @Test
    void a_huge_string_is_refused() throws Exception {
        assertThat(attempt("return 'x'.repeat(1e9).length;")).startsWith("threw/RangeError/");
        assertThat(attempt("let s = 'x'; for (let i = 0; i < 40; i++) s = s + s; return s.length;"))
                .startsWith("threw/RangeError/");
        assertThat(attempt("return 'x'.padEnd(2 ** 30).length;")).startsWith("threw/RangeError/");
    }

    @Test
    void a_huge_typed_array_is_refused() throws Exception {
        assertThat(attempt("return new Uint8Array(1e9).length;")).startsWith("threw/RangeError/");
        assertThat(attempt("return new ArrayBuffer(1e9).byteLength;")).startsWith("threw/RangeError/");
    }

    @Test
    void the_limit_settings_can_be_raised() throws Exception {
        scripts.settings(Map.of("sandbox", Map.of("max_string_size", 64L)));
        assertThat(attempt("return 'x'.repeat(64).length;")).isEqualTo("ran/64");
        assertThat(attempt("return 'x'.repeat(65).length;")).startsWith("threw/RangeError/");
    }

    @Test
    void an_endless_loop_in_a_hook_is_stopped_with_its_line_and_the_context_serves_again() throws Exception {
        LoadedScript script = scripts.load("""
                var num_states = 1;
                var served = 0;
                var hooks = { auth_on_publish(pub) {
                    served++;
                    if (pub.client_id === "spin") {
                        for (;;) { }
                    }
                    return {topic: "served/" + served};
                } };
                """);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("spin")))
                    .isInstanceOf(ScriptCallException.class)
                    .hasMessageMatching(".*test\\.js:6: statement limit of 1000000 exceeded.*");
            // The context was rebuilt: the file ran again, so served starts over (keep_state is false anyway).
            assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo("served/1");
        }
    }

    @Test
    void the_statement_limit_counts_each_call_alone_whichever_thread_makes_it() throws Exception {
        LoadedScript script = SpinningHooks.counting(scripts, 300);
        // Each call runs some 600 statements: two in a row would pass a limit that carried over.
        for (int i = 0; i < 6; i++) {
            CompletableFuture<String> answer = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    answer.complete(SpinningHooks.counted(script, "c"));
                } catch (Throwable e) {
                    answer.completeExceptionally(e);
                }
            });
            assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo("n/300");
            if (i == 3) {
                SpinningHooks.spinIsStoppedByTheLimit(script);
            }
        }
    }

    @Test
    void the_limit_cannot_be_caught_by_the_script() throws Exception {
        LoadedScript script = scripts.load("""
                var hooks = { auth_on_publish(pub) {
                    try { while (true) { } } catch (e) { return true; } finally { return true; }
                } };
                """);
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))
                .hasMessageContaining("statement limit");
    }

    @Test
    void an_endless_loop_at_top_level_fails_the_load_with_its_line() {
        assertThatThrownBy(() -> scripts.load("var hooks = {};\nwhile (true) {\n}\n"))
                .isInstanceOf(ScriptLoadException.class)
                .hasMessageMatching(".*test\\.js:2: statement limit of 1000000 exceeded.*")
                .satisfies(e -> assertThat(((ScriptLoadException) e).line()).hasValue(2));
    }

    @Test
    void an_interrupted_call_stops_and_the_context_serves_again() throws Exception {
        SpinningHooks.interruptStopsTheSpin(scripts, SpinningHooks.interruptible(scripts));
    }

    @Test
    void deep_recursion_is_a_catchable_range_error() throws Exception {
        assertThat(attempt("const f = n => f(n + 1) + 1; return f(0);")).startsWith("threw/RangeError/");
    }

    @Test
    void print_and_console_go_to_the_log() throws Exception {
        assertThat(attempt("print('hello'); console.log('a', 1); console.error('oops'); return 1;")).isEqualTo("ran/1");
    }

    @Test
    void files_next_to_the_script_cannot_be_read() throws Exception {
        Files.writeString(scripts.root().resolve("secret.txt"), "s3cret");
        assertThat(attempt("return load('" + scripts.root().resolve("secret.txt") + "');")).startsWith("threw/");
    }

    @Test
    void an_unknown_sandbox_setting_fails_the_load() {
        scripts.settings(Map.of("sandbox", Map.of("statment_limit", 5L)));
        assertThatThrownBy(() -> scripts.load("var hooks = {};"))
                .isInstanceOf(ScriptLoadException.class).hasMessageContaining("unknown sandbox setting 'statment_limit'");
    }

    @Test
    void the_lua_engine_settings_are_accepted() throws Exception {
        scripts.settings(Map.of("sandbox", Map.of("instruction_limit", 1000L, "block_luajava", true, "max_call_depth", 50L)));
        LoadedScript script = scripts.load("var hooks = { auth_on_publish() { while (true) { } } };");
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))
                .hasMessageContaining("statement limit of 1000 exceeded");
    }

    @Test
    void without_the_sandbox_the_host_is_reachable() throws Exception {
        scripts.settings(Map.of("sandbox", Map.of("enabled", false)));
        assertThat(attempt("return Java.type('java.lang.Integer').MAX_VALUE;")).isEqualTo("ran/2147483647");
    }
}
