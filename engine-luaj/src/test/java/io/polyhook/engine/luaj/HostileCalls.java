package io.polyhook.engine.luaj;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;

/** The hostile scripts of the sandbox tests, and calls interrupted as the dispatcher does at a deadline. */
final class HostileCalls {

    private HostileCalls() {
    }

    /** A script whose auth_on_publish runs {@code body} for client "evil" and allows everyone else. */
    static LoadedScript hostile(InlineScripts scripts, String body) throws ScriptLoadException {
        return scripts.load("""
                hooks = {
                    auth_on_publish = function(pub)
                        if pub.client_id == "evil" then
                            %s
                        end
                        return true
                    end
                }
                """.formatted(body));
    }

    /**
     * Calls auth_on_publish of {@code script} on a virtual thread, interrupts it once the script
     * has called {@code probe.hit(hit, 1)}, and returns what the call failed with.
     */
    static Throwable interruptedCall(InlineScripts scripts, LoadedScript script, String hit) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("any"));
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                done.countDown();
            }
        });
        assertThat(scripts.probe().awaitHit(hit, 1L)).isTrue();
        caller.interrupt();
        assertThat(done.await(60, TimeUnit.SECONDS)).as("the call ended after the interrupt").isTrue();
        return failure.get();
    }
}
