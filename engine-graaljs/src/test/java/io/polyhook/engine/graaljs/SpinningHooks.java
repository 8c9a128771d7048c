package io.polyhook.engine.graaljs;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.polyhook.core.script.scenarios.InlineScripts.answer;
import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The runaway hooks the sandbox tests run on the interpreter and the runtime tests run compiled:
 * an {@code auth_on_publish} that serves every client but {@code "spin"}, for which it loops for
 * ever, and the calls that show such a call stopped (by the statement limit, or by an interrupt)
 * while the next one is served.
 */
final class SpinningHooks {

    /** The statement limit of {@link #counting}. */
    static final long LIMIT = 1_000;
    /** What {@link #interruptible} answers a client that is not {@code "spin"}: {@code spin(1000)}, the sum of 0..999. */
    static final String SPUN = "s/499500";

    private SpinningHooks() {
    }

    /**
     * A hook that counts to {@code count} (some {@code 2 * count} statements) and answers
     * {@code "n/<count>"}, under a statement limit of {@link #LIMIT}.
     */
    static LoadedScript counting(InlineScripts scripts, int count) throws Exception {
        scripts.settings(Map.of("sandbox", Map.of("statement_limit", LIMIT)));
        return scripts.load("""
                var num_states = 1;
                var hooks = { auth_on_publish(pub) {
                    if (pub.client_id === "spin") { for (;;) { } }
                    let n = 0;
                    for (let i = 0; i < %d; i++) { n++; }
                    return {topic: "n/" + n};
                } };
                """.formatted(count));
    }

    /** The answer of a {@link #counting} hook to client {@code client}. */
    static String counted(LoadedScript script, String client) throws Exception {
        return answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(client)));
    }

    /** A {@code "spin"} call of a {@link #counting} hook fails at the limit, with the count of this call alone. */
    static void spinIsStoppedByTheLimit(LoadedScript script) {
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("spin")))
                .hasMessageContaining("statement limit of " + LIMIT + " exceeded");
    }

    /**
     * A hook that only an interrupt stops (a statement limit too high to matter): as {@code "spin"}
     * it hits the probe {@code spinning} and calls {@code spin(1000)} for ever; else it answers {@link #SPUN}.
     */
    static LoadedScript interruptible(InlineScripts scripts) throws Exception {
        scripts.settings(Map.of("sandbox", Map.of("statement_limit", Long.MAX_VALUE / 2)));
        return scripts.load("""
                var num_states = 1;
                function spin(n) { let x = 0; for (let i = 0; i < n; i++) { x = (x + i) | 0; } return x; }
                var hooks = { auth_on_publish(pub) {
                    if (pub.client_id === "spin") { probe.hit("spinning", 1); while (true) { spin(1000); } }
                    return {topic: "s/" + spin(1000)};
                } };
                """);
    }

    /**
     * Calls an {@link #interruptible} hook as {@code "spin"} on a thread of its own and interrupts
     * that thread once the hook spins: the call fails as interrupted, and the next call is served.
     */
    static void interruptStopsTheSpin(InlineScripts scripts, LoadedScript script) throws Exception {
        CompletableFuture<Object> spinning = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                spinning.complete(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("spin")));
            } catch (Throwable e) {
                spinning.completeExceptionally(e);
            }
        });
        assertThat(scripts.probe().awaitHit("spinning", 1L)).isTrue();
        thread.interrupt();
        // The line is named when the interrupt lands in the loop; when it lands while the call is
        // still returning from probe.hit (a host call) there is no guest line to name.
        assertThatThrownBy(() -> spinning.get(120, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().hasMessageMatching(".*test\\.js(:\\d+)?: interrupted.*");
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))).isEqualTo(SPUN);
    }
}
