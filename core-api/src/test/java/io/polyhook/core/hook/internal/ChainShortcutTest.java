package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.ChainShortcut;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Registration;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChainShortcutTest {

    private static final HandlerOrigin CACHE = HandlerOrigin.plugin("auth_cache");

    private final HookRegistry registry = new HookRegistry();
    private final HookDispatcher dispatcher = new HookDispatcher(registry, DispatchSettings.defaults());
    private final AtomicInteger handlerCalls = new AtomicInteger();

    @AfterEach
    void close() {
        dispatcher.close();
    }

    private void handlerSaysOk() {
        registry.registrar(HandlerOrigin.script("s.lua"), 0).register(Hooks.AUTH_ON_PUBLISH, ctx -> {
            handlerCalls.incrementAndGet();
            return Verdict.ok();
        });
    }

    private ChainOutcome<PublishModifiers> publish(String topic) {
        return dispatcher.chain(dispatcher.newLane("c"), Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", topic))
                .toCompletableFuture().join();
    }

    @Test
    void anAnswerOfTheShortcutSkipsTheHandlersAndIsReadyAtOnce() {
        handlerSaysOk();
        registry.shortcut(CACHE, Hooks.AUTH_ON_PUBLISH, ctx -> ctx.topic().equals("denied") ? Verdict.deny() : null);

        var stage = dispatcher.chain(dispatcher.newLane("c"), Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "denied"));

        assertThat(stage.toCompletableFuture()).isCompletedWithValueMatching(
                o -> o instanceof ChainOutcome.Denied<?> d && d.decidedBy().equals(CACHE));
        assertThat(handlerCalls).hasValue(0);
    }

    @Test
    void noAnswerLetsTheHandlersDecide() {
        handlerSaysOk();
        registry.shortcut(CACHE, Hooks.AUTH_ON_PUBLISH, ctx -> Verdict.next());

        assertThat(publish("a")).isInstanceOf(ChainOutcome.Allowed.class);
        assertThat(handlerCalls).hasValue(1);
    }

    @Test
    void aShortcutAloneMakesTheHookPointCount() {
        Registration r = registry.shortcut(CACHE, Hooks.AUTH_ON_PUBLISH, ctx -> null);

        assertThat(dispatcher.has(Hooks.AUTH_ON_PUBLISH)).isTrue();
        r.close();
        assertThat(dispatcher.has(Hooks.AUTH_ON_PUBLISH)).isFalse();
    }

    /** A shortcut that may answer nothing now (an empty cache) and counts the times it is asked anyway. */
    private static final class IdleShortcut implements ChainShortcut<PublishContext, PublishModifiers> {
        volatile boolean idle = true;
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public Verdict<PublishModifiers> answer(PublishContext context) {
            asked.incrementAndGet();
            return null;
        }

        @Override
        public boolean mayAnswer() {
            return !idle;
        }
    }

    @Test
    void aHookWithOnlyAnIdleShortcutReadsNoContext() {
        IdleShortcut cache = new IdleShortcut();
        registry.shortcut(CACHE, Hooks.AUTH_ON_PUBLISH, cache);

        assertThat(dispatcher.readsContext(Hooks.AUTH_ON_PUBLISH)).isFalse();
        cache.idle = false;
        assertThat(dispatcher.readsContext(Hooks.AUTH_ON_PUBLISH)).isTrue();
    }

    @Test
    void aHandlerReadsTheContextWhateverTheShortcutSays() {
        registry.shortcut(CACHE, Hooks.AUTH_ON_PUBLISH, new IdleShortcut());
        assertThat(dispatcher.readsContext(Hooks.AUTH_ON_PUBLISH)).isFalse();

        handlerSaysOk();

        assertThat(dispatcher.readsContext(Hooks.AUTH_ON_PUBLISH)).isTrue();
    }

    @Test
    void aShortcutMayAnswerUnlessItSaysOtherwise() {
        registry.shortcut(CACHE, Hooks.AUTH_ON_PUBLISH, ctx -> null);

        assertThat(dispatcher.readsContext(Hooks.AUTH_ON_PUBLISH)).isTrue();
        assertThat(dispatcher.readsContext(Hooks.AUTH_ON_SUBSCRIBE)).isFalse();
    }

    @Test
    void invalidModifiersFromTheShortcutCountAsNoAnswer() {
        handlerSaysOk();
        registry.shortcut(CACHE, Hooks.AUTH_ON_PUBLISH, ctx -> Verdict.ok(PublishModifiers.builder()
                .properties(MqttProperties.builder().contentType("x").build()).build()));

        assertThat(publish("a")).isInstanceOfSatisfying(ChainOutcome.Allowed.class,
                a -> assertThat(a.decidedBy()).isEqualTo(HandlerOrigin.script("s.lua")));
        assertThat(registry.statistics().snapshot(CACHE).getFirst().errors()).isEqualTo(1);
    }

    @Test
    void everyCallOfTheShortcutIsCountedAndASampleOfThemTimed() {
        // Each clock read of this thread (not the deadline watchdog's) moves time by 3 µs: a timed call takes 3 µs.
        AtomicLong now = new AtomicLong();
        Thread caller = Thread.currentThread();
        HookDispatcher timedDispatcher = new HookDispatcher(registry, DispatchSettings.builder()
                .ticker(() -> Thread.currentThread() == caller ? now.addAndGet(3_000) : now.get()).build());
        registry.shortcut(CACHE, Hooks.AUTH_ON_PUBLISH, ctx -> Verdict.ok());
        ClientLane lane = timedDispatcher.newLane("c");
        int calls = 100 * HookDispatcher.SHORTCUT_TIMED;
        try {
            for (int i = 0; i < calls; i++) {
                timedDispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "a"));
            }
        } finally {
            timedDispatcher.close();
        }

        HandlerStats.Snapshot stats = registry.statistics().snapshot(CACHE).getFirst();
        assertThat(stats.calls()).isEqualTo(calls);
        // One clock read pair per timed call: about calls / SHORTCUT_TIMED of them, never all.
        assertThat(now.get() / 6_000).isBetween(1L, (long) calls / 4);
        assertThat(stats.meanMicros()).isEqualTo(3.0);
    }

    @Test
    void aHookPointTakesOneShortcut() {
        registry.shortcut(CACHE, Hooks.AUTH_ON_PUBLISH, ctx -> null);

        assertThatThrownBy(() -> registry.shortcut(HandlerOrigin.plugin("other"), Hooks.AUTH_ON_PUBLISH, ctx -> null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("auth_on_publish already has a shortcut");
    }
}
