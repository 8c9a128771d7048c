package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.TimeoutFallback;
import io.polyhook.core.script.ScriptCallException;
import io.polyhook.core.script.fake.FakeContexts;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure never widens access: an authorization handler that fails (throws anything, runs out
 * of a budget) or misses its deadline under the next fallback lets the later handlers decide,
 * and when none of them allows, the request is denied with a cause that says why, never left
 * exhausted for the broker's {@code no_match} to allow.
 */
class FailClosedChainTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HandlerOrigin FAILING = HandlerOrigin.plugin("failing");
    private static final HandlerOrigin LATER = HandlerOrigin.plugin("later");

    /** How the first handler fails. */
    enum Failure {
        SCRIPT_ERROR(ChainOutcome.Cause.HANDLER_FAILED),
        BUDGET_EXCEEDED(ChainOutcome.Cause.HANDLER_FAILED),
        RUNTIME_EXCEPTION(ChainOutcome.Cause.HANDLER_FAILED),
        OUT_OF_MEMORY(ChainOutcome.Cause.HANDLER_FAILED),
        STACK_OVERFLOW(ChainOutcome.Cause.HANDLER_FAILED),
        TIMEOUT_WITH_NEXT_FALLBACK(ChainOutcome.Cause.HANDLER_TIMED_OUT);

        final ChainOutcome.Cause cause;

        Failure(ChainOutcome.Cause cause) {
            this.cause = cause;
        }
    }

    /** What the handler after the failing one does. */
    enum Later {
        ALLOWS, DENIES, SAYS_NEXT, ABSENT
    }

    private final HookRegistry registry = new HookRegistry();
    private final AtomicLong fakeNanos = new AtomicLong();
    private final HookDispatcher dispatcher = new HookDispatcher(registry, DispatchSettings.builder()
            .ticker(fakeNanos::get).fallback(TimeoutFallback.NEXT).watchdogInterval(Duration.ofMillis(2)).build());
    private final CountDownLatch hanging = new CountDownLatch(1);

    @AfterEach
    void close() {
        dispatcher.close();
    }

    static Stream<Arguments> failureTimesLater() {
        return Arrays.stream(Failure.values()).flatMap(f -> Arrays.stream(Later.values()).map(l -> Arguments.of(f, l)));
    }

    @ParameterizedTest(name = "{0}, later handler {1}")
    @MethodSource("failureTimesLater")
    void aFailedHandlerLetsALaterOneDecideButNeverAllowsByItself(Failure failure, Later later) throws Exception {
        registry.registrar(FAILING, 10).register(Hooks.AUTH_ON_PUBLISH, failingHandler(failure));
        if (later != Later.ABSENT) {
            registry.registrar(LATER, 0).register(Hooks.AUTH_ON_PUBLISH, ctx -> switch (later) {
                case ALLOWS -> Verdict.ok();
                case DENIES -> Verdict.deny();
                default -> Verdict.next();
            });
        }

        ChainOutcome<PublishModifiers> outcome = call(Hooks.AUTH_ON_PUBLISH, failure);

        switch (later) {
            case ALLOWS -> assertThat(outcome).isEqualTo(new ChainOutcome.Allowed<>(Optional.empty(), LATER));
            case DENIES -> assertThat(outcome).isEqualTo(new ChainOutcome.Denied<>(Optional.empty(), Optional.empty(),
                    LATER, ChainOutcome.Cause.VERDICT));
            case SAYS_NEXT, ABSENT -> assertThat(outcome).isEqualTo(new ChainOutcome.Denied<>(Optional.empty(),
                    Optional.empty(), FAILING, failure.cause));
        }
        HandlerStats.Snapshot stats = registry.statistics().snapshot(FAILING).getFirst();
        if (failure == Failure.TIMEOUT_WITH_NEXT_FALLBACK) {
            assertThat(stats.timeouts()).isEqualTo(1);
        } else {
            assertThat(stats.errors()).isEqualTo(1);
        }
        boolean deniedByTheFailure = later == Later.SAYS_NEXT || later == Later.ABSENT;
        assertThat(stats.failedClosed()).isEqualTo(deniedByTheFailure ? 1 : 0);
    }

    static Stream<ChainHook<?, ?>> authorizationHooks() {
        return Hooks.all().stream().filter(h -> h instanceof ChainHook<?, ?> c && c.kind() == ChainHook.Kind.AUTHORIZATION)
                .map(h -> (ChainHook<?, ?>) h);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("authorizationHooks")
    void everyAuthorizationHookDeniesWhenItsOnlyHandlerRunsOutOfMemory(ChainHook<?, ?> hook) throws Exception {
        registerThrowing(hook, new OutOfMemoryError("Java heap space"));

        assertThat(call(hook, Failure.OUT_OF_MEMORY)).isEqualTo(new ChainOutcome.Denied<>(Optional.empty(),
                Optional.empty(), FAILING, ChainOutcome.Cause.HANDLER_FAILED));
    }

    @Test
    void theLaneOutlivesAnErrorAndServesTheNextCall() throws Exception {
        boolean[] first = {true};
        registry.registrar(FAILING, 0).register(Hooks.AUTH_ON_PUBLISH, ctx -> {
            if (first[0]) {
                first[0] = false;
                throw new StackOverflowError();
            }
            return Verdict.ok();
        });
        ClientLane lane = dispatcher.newLane("c");

        assertThat(call(lane, Hooks.AUTH_ON_PUBLISH)).isInstanceOf(ChainOutcome.Denied.class);
        assertThat(call(lane, Hooks.AUTH_ON_PUBLISH)).isInstanceOf(ChainOutcome.Allowed.class);
    }

    @Test
    void aShortcutThatThrowsAnErrorDeniesWhenNoHandlerAllows() {
        registry.shortcut(HandlerOrigin.plugin("auth_cache"), Hooks.AUTH_ON_PUBLISH, ctx -> {
            throw new OutOfMemoryError("Java heap space");
        });

        var stage = dispatcher.chain(dispatcher.newLane("c"), Hooks.AUTH_ON_PUBLISH, Contexts.publish("c", "t"));

        assertThat(stage.toCompletableFuture()).isCompletedWithValue(new ChainOutcome.Denied<>(Optional.empty(),
                Optional.empty(), HandlerOrigin.plugin("auth_cache"), ChainOutcome.Cause.HANDLER_FAILED));
    }

    @Test
    void aShortcutThatFailsStillLetsAHandlerAllow() {
        registry.shortcut(HandlerOrigin.plugin("auth_cache"), Hooks.AUTH_ON_PUBLISH, ctx -> {
            throw new IllegalStateException("broken");
        });
        registry.registrar(LATER, 0).register(Hooks.AUTH_ON_PUBLISH, ctx -> Verdict.ok());

        assertThat(call(dispatcher.newLane("c"), Hooks.AUTH_ON_PUBLISH))
                .isEqualTo(new ChainOutcome.Allowed<>(Optional.empty(), LATER));
    }

    @Test
    void handlersThatAllSayNextStillExhaustTheChain() {
        registry.registrar(LATER, 0).register(Hooks.AUTH_ON_PUBLISH, ctx -> Verdict.next());

        assertThat(call(dispatcher.newLane("c"), Hooks.AUTH_ON_PUBLISH)).isEqualTo(ChainOutcome.exhausted());
    }

    private ChainHandler<PublishContext, PublishModifiers> failingHandler(Failure failure) {
        return ctx -> {
            switch (failure) {
                case SCRIPT_ERROR -> throw new ScriptCallException("acl.lua:7: attempt to index a nil value");
                case BUDGET_EXCEEDED -> throw new ScriptCallException("acl.lua:12: instruction limit of 1000000 exceeded");
                case RUNTIME_EXCEPTION -> throw new IllegalStateException("plugin bug");
                case OUT_OF_MEMORY -> throw new OutOfMemoryError("Java heap space");
                case STACK_OVERFLOW -> throw new StackOverflowError();
                case TIMEOUT_WITH_NEXT_FALLBACK -> {
                    hanging.countDown();
                    new CountDownLatch(1).await();
                }
            }
            return Verdict.ok();
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void registerThrowing(ChainHook<?, ?> hook, Error error) {
        registry.registrar(FAILING, 0).register((ChainHook) hook, (ChainHandler) ctx -> {
            throw error;
        });
    }

    private <C extends HookContext, M extends Modifiers> ChainOutcome<M> call(ChainHook<C, M> hook, Failure failure)
            throws InterruptedException {
        CompletableFuture<ChainOutcome<M>> pending = dispatcher.chain(dispatcher.newLane("c"), hook,
                FakeContexts.sample(hook, "c")).toCompletableFuture();
        if (failure == Failure.TIMEOUT_WITH_NEXT_FALLBACK) {
            assertThat(hanging.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            fakeNanos.addAndGet(DispatchSettings.defaults().deadline(hook).toNanos() + 1);
        }
        return pending.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    private <C extends HookContext, M extends Modifiers> ChainOutcome<M> call(ClientLane lane, ChainHook<C, M> hook) {
        return dispatcher.chain(lane, hook, FakeContexts.sample(hook, lane.label())).toCompletableFuture()
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }
}
