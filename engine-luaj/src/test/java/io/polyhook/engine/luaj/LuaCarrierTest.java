package io.polyhook.engine.luaj;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.PublishModifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hook calls run on virtual threads, which the JDK never preempts: a call computing inside a
 * library function used to hold its carrier until it returned, minutes after its deadline, so
 * that as many such calls as there are carriers stopped every other hook call and the admin
 * API. Now a spinning call gives its carrier up every few milliseconds and ends at its deadline.
 * Real dispatcher, real Lua script; latches, and generous bounds only against a hang.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LuaCarrierTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    final InlineScripts scripts = new InlineScripts(new LuaEngine()).stateWait(DEADLINE);

    @Test
    void more_spinning_calls_than_carriers_leave_other_hooks_and_the_admin_api_served_and_end_at_their_deadline()
            throws Exception {
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
        int spinning = carriers + 2;
        CountDownLatch started = new CountDownLatch(spinning);
        CountDownLatch holding = new CountDownLatch(spinning + 1);
        scripts.provider(DataProvider.builder("gate")
                .function("spinning", args -> {
                    started.countDown();
                    return true;
                })
                .function("holding", args -> {
                    holding.countDown();
                    try {
                        return holding.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }).build());
        LoadedScript script = scripts.load("""
                num_states = %d
                hooks = { auth_on_publish = function(pub)
                    local kind = pub.client_id:sub(1, 4)
                    if kind == "spin" then
                        gate.spinning()
                        -- The trim of issue 14 on "a", 200,000 spaces, "a": minutes of backtracking.
                        local s = "a" .. string.rep(" ", 200000) .. "a"
                        return s:match("^%%s*(.-)%%s*$") ~= nil
                    elseif kind == "hold" then
                        return gate.holding()
                    end
                    return true
                end }
                """.formatted(spinning + 1));
        HookRegistry registry = new HookRegistry();
        registry.add(HandlerOrigin.plugin("carrier-test"), script.handlers().getFirst());
        try (HookDispatcher dispatcher = new HookDispatcher(registry, DispatchSettings.builder().deadline(DEADLINE).build())) {
            List<CompletableFuture<ChainOutcome<PublishModifiers>>> spinners = new ArrayList<>();
            for (int i = 0; i < spinning; i++) {
                spinners.add(publish(dispatcher, "spin" + i));
            }
            assertThat(started.await(60, TimeUnit.SECONDS)).as("all %d spinning calls got a carrier", spinning).isTrue();

            ChainOutcome<PublishModifiers> other = publish(dispatcher, "good").get(10, TimeUnit.SECONDS);
            assertThat(other).as("another client's hook call while they spin").isInstanceOf(ChainOutcome.Allowed.class);
            CountDownLatch admin = new CountDownLatch(1);
            Thread.ofVirtual().name("admin-like").start(admin::countDown);
            assertThat(admin.await(10, TimeUnit.SECONDS)).as("other work on a virtual thread while they spin").isTrue();
            assertThat(spinners).as("the spinning calls were still running").noneMatch(CompletableFuture::isDone);

            for (CompletableFuture<ChainOutcome<PublishModifiers>> spinner : spinners) {
                assertThat(spinner.get(60, TimeUnit.SECONDS)).isInstanceOfSatisfying(ChainOutcome.Denied.class,
                        denied -> assertThat(denied.cause()).isEqualTo(ChainOutcome.Cause.TIMEOUT));
            }
            // Every state at once: only possible once each spinning call has stopped and let its state go.
            List<CompletableFuture<ChainOutcome<PublishModifiers>>> holders = new ArrayList<>();
            for (int i = 0; i <= spinning; i++) {
                holders.add(publish(dispatcher, "hold" + i));
            }
            for (CompletableFuture<ChainOutcome<PublishModifiers>> holder : holders) {
                assertThat(holder.get(60, TimeUnit.SECONDS)).isInstanceOf(ChainOutcome.Allowed.class);
            }
        }
    }

    private static CompletableFuture<ChainOutcome<PublishModifiers>> publish(HookDispatcher dispatcher, String client) {
        return dispatcher.chain(dispatcher.newLane(client), Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(client))
                .toCompletableFuture();
    }
}
