package io.polyhook.engine.graaljs;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.polyhook.core.script.scenarios.InlineScripts.answer;
import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The runtime a JVM gives GraalJS, and the sandbox once a hook is compiled. The surefire execution
 * {@code optimizing-runtime} (JDK 25) runs this with the JVMCI flags of {@code bin/jvm-options}
 * and a log of what Truffle compiled, so a test can call a hook until it has been compiled; the
 * default execution runs it on the class path, where GraalJS falls back to its interpreter.
 */
class GraalJsOptimizingRuntimeTest {

    private static final boolean OPTIMIZING = "optimizing".equals(System.getProperty("polyhook.test.expect-runtime"));

    // Calls between two looks at the compilation log.
    private static final int CALLS_PER_LOOK = 2_000;

    @RegisterExtension
    final InlineScripts scripts = new InlineScripts(new GraalJsEngine());

    @Test
    void the_runtime_is_the_optimizing_one_with_the_jvmci_flags_and_the_interpreter_without() throws Exception {
        scripts.load("var hooks = {};");
        assertThat(SharedEngines.optimizing()).isEqualTo(OPTIMIZING);
    }

    @Test
    void engines_compile_in_latency_mode_unless_the_operator_chose_another() {
        assertThat(SharedEngines.mode()).isEqualTo("latency");
        System.setProperty("polyglot.engine.Mode", "throughput");
        try {
            assertThat(SharedEngines.mode()).isEqualTo("throughput");
        } finally {
            System.clearProperty("polyglot.engine.Mode");
        }
    }

    @Test
    void a_compiled_hook_keeps_the_statement_limit_the_interrupt_and_the_sandbox() throws Exception {
        LoadedScript script = scripts.load("""
                var num_states = 1;
                var hooks = { auth_on_publish(pub) {
                    if (pub.client_id === "spin") { for (;;) { } }
                    return {topic: "compiled/" + typeof Java + "/" + typeof Polyglot + "/" + typeof pub.topic};
                } };
                """);
        assertThat(callUntilCompiled(script, "a", "auth_on_publish")).isTrue();
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a"))))
                .isEqualTo("compiled/undefined/undefined/string");
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("spin")))
                .hasMessageMatching(".*test\\.js:3: statement limit of 1000000 exceeded.*");
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a"))))
                .isEqualTo("compiled/undefined/undefined/string");
    }

    @Test
    void a_compiled_call_counts_its_statements_alone_and_a_runaway_one_is_still_stopped() throws Exception {
        LoadedScript script = SpinningHooks.counting(scripts, 100);
        // Thousands of calls of some 200 statements each: together far past the limit of 1,000.
        assertThat(callUntilCompiled(script, "a", "auth_on_publish")).isTrue();
        SpinningHooks.spinIsStoppedByTheLimit(script);
        assertThat(SpinningHooks.counted(script, "a")).isEqualTo("n/100");
    }

    @Test
    void a_compiled_loop_stops_when_its_call_is_interrupted() throws Exception {
        LoadedScript script = SpinningHooks.interruptible(scripts);
        assertThat(callUntilCompiled(script, "a", "spin")).isTrue();
        SpinningHooks.interruptStopsTheSpin(scripts, script);
    }

    /**
     * Calls the hook (as {@code client}) until Truffle's log says {@code function} was compiled;
     * on the interpreter a few thousand calls. The bound only keeps a broken build from hanging.
     */
    private static boolean callUntilCompiled(LoadedScript script, String client, String function) throws Exception {
        Pattern compiled = Pattern.compile("opt done.*" + function);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        do {
            for (int i = 0; i < CALLS_PER_LOOK; i++) {
                call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(client));
            }
            if (!OPTIMIZING) {
                return true;
            }
            if (compiled.matcher(Files.readString(Path.of(System.getProperty("polyglot.log.file")))).find()) {
                return true;
            }
        } while (System.nanoTime() < deadline);
        return false;
    }
}
