package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.TimeoutFallback;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.fake.FakeContexts;
import io.polyhook.core.script.fake.FakeEngine;
import io.polyhook.core.script.internal.ScriptEngines;
import io.polyhook.core.script.internal.ScriptManager;
import io.polyhook.spi.AuthModifiers;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.ReasonCode;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeModifiers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.assertj.core.groups.Tuple.tuple;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chain semantics of vmq_diversity §1.3, end to end: scripts of the fake engine loaded by the
 * script manager, called through the real registry and dispatcher.
 */
class ChainSemanticsTest {

    /** What the chain does after one script's answer. */
    enum Then {
        /** Allowed, unchanged, decided by the script. */
        ACCEPT,
        /** Allowed with the hook's typed modifiers. */
        ACCEPT_WITH_MODIFIERS,
        /** Denied by the verdict, with the broker's default reason. */
        REFUSE,
        /** Denied by the verdict, with the script's reason code 135 and string "not yours". */
        REFUSE_WITH_REASON,
        /** Denied because the modifiers were invalid. */
        REFUSE_INVALID_MODIFIERS,
        /** The next script decides; exhausted if there is none. */
        ASK_NEXT,
        /** The next script decides; denied (the failure never widens access) if there is none. */
        NEXT_ELSE_DENY,
        /** The chain stops with a failure; the request goes on unchanged. */
        FAIL
    }

    /**
     * One row of §1.3: a script's answer and what follows for authorization hooks
     * ({@code auth_on_*}, {@code on_auth_m5}) and for rewrite hooks ({@code on_deliver},
     * {@code on_unsubscribe}).
     */
    record Row(String answer, Then authorization, Then rewrite) {
        Then then(ChainHook<?, ?> hook) {
            return hook.kind() == ChainHook.Kind.AUTHORIZATION ? authorization : rewrite;
        }

        @Override
        public String toString() {
            return answer;
        }
    }

    static final List<Row> SECTION_1_3 = List.of(
            new Row("ok", Then.ACCEPT, Then.ACCEPT),
            new Row("deny", Then.REFUSE, Then.REFUSE),
            new Row("deny 135 not yours", Then.REFUSE_WITH_REASON, Then.REFUSE_WITH_REASON),
            new Row("modifiers", Then.ACCEPT_WITH_MODIFIERS, Then.ACCEPT_WITH_MODIFIERS),
            new Row("nil", Then.ASK_NEXT, Then.ASK_NEXT),
            new Row("next", Then.ASK_NEXT, Then.ASK_NEXT),
            new Row("error boom", Then.NEXT_ELSE_DENY, Then.FAIL),
            new Row("invalid-modifiers", Then.REFUSE_INVALID_MODIFIERS, Then.FAIL));

    /** A valid modifier line of the fake engine per chain hook, and the typed modifiers it means. */
    record Sample(String line, Modifiers modifiers) {
    }

    private static final Sample REGISTER = new Sample("modifiers username=alice,max_message_size=1001",
            RegisterModifiers.builder().username("alice").limit(RegisterModifiers.Limit.MAX_MESSAGE_SIZE, 1001).build());
    private static final Sample PUBLISH = new Sample("modifiers topic=x/y,qos=2,retain=true,payload=changed",
            PublishModifiers.builder().topic("x/y").qos(2).retain(true).payload(Bytes.utf8("changed")).build());
    private static final Sample SUBSCRIBE = new Sample("modifiers topics=a/b:1;c/d:128",
            SubscribeModifiers.of(TopicSubscription.of("a/b", 1), TopicSubscription.rejected("c/d")));
    private static final Sample UNSUBSCRIBE = new Sample("modifiers topics=a;b", UnsubscribeModifiers.of("a", "b"));
    private static final Sample DELIVER = new Sample("modifiers topic=x/y,payload=changed",
            DeliverModifiers.builder().topic("x/y").payload(Bytes.utf8("changed")).build());
    private static final Sample AUTH = new Sample("modifiers reason_code=continue_authentication,data=challenge",
            new AuthModifiers(AuthModifiers.Step.CONTINUE_AUTHENTICATION, Optional.empty(),
                    Optional.of(Bytes.utf8("challenge"))));

    static final Map<ChainHook<?, ?>, Sample> MODIFIERS = Map.ofEntries(
            entry(Hooks.AUTH_ON_REGISTER, REGISTER), entry(Hooks.AUTH_ON_REGISTER_M5, REGISTER),
            entry(Hooks.ON_AUTH_M5, AUTH),
            entry(Hooks.AUTH_ON_PUBLISH, PUBLISH), entry(Hooks.AUTH_ON_PUBLISH_M5, PUBLISH),
            entry(Hooks.AUTH_ON_SUBSCRIBE, SUBSCRIBE), entry(Hooks.AUTH_ON_SUBSCRIBE_M5, SUBSCRIBE),
            entry(Hooks.ON_UNSUBSCRIBE, UNSUBSCRIBE), entry(Hooks.ON_UNSUBSCRIBE_M5, UNSUBSCRIBE),
            entry(Hooks.ON_DELIVER, DELIVER), entry(Hooks.ON_DELIVER_M5, DELIVER));

    private static final String CLIENT = "client-1";

    @TempDir
    Path dir;

    private final HookRegistry registry = new HookRegistry();
    private HookDispatcher dispatcher = new HookDispatcher(registry, DispatchSettings.defaults());
    private final ScriptManager scripts = new ScriptManager(registry,
            ScriptEngines.discover(ChainSemanticsTest.class.getClassLoader()), ScriptEnvironment.defaults());
    private ClientLane lane = dispatcher.newLane(CLIENT);

    @AfterEach
    void close() {
        scripts.close();
        dispatcher.close();
    }

    static Stream<ChainHook<?, ?>> chainHooks() {
        return Hooks.all().stream().filter(h -> h instanceof ChainHook<?, ?>).map(h -> (ChainHook<?, ?>) h);
    }

    static Stream<NotificationHook<?>> notificationHooks() {
        return Hooks.all().stream().filter(h -> h instanceof NotificationHook<?>).map(h -> (NotificationHook<?>) h);
    }

    static Stream<Arguments> everyChainHookAndRow() {
        return chainHooks().flatMap(hook -> SECTION_1_3.stream().map(row -> Arguments.of(hook, row)));
    }

    @Test
    void everyChainHookHasAModifierSample() {
        assertThat(MODIFIERS.keySet()).containsExactlyInAnyOrderElementsOf(chainHooks().toList());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("everyChainHookAndRow")
    void aLoneScriptsAnswerGivesTheOutcomeOfSection13(ChainHook<?, ?> hook, Row row) throws Exception {
        HandlerOrigin only = script("a.fake", hook.name() + " = " + answer(hook, row));

        ChainOutcome<?> outcome = call(hook);

        expect(outcome, row.then(hook), hook, only, Optional.empty());
    }

    @ParameterizedTest(name = "{0}: {1}, then ok")
    @MethodSource("everyChainHookAndRow")
    void aScriptWithoutOpinionLeavesTheDecisionToTheNextScript(ChainHook<?, ?> hook, Row row) throws Exception {
        HandlerOrigin first = script("a.fake", hook.name() + " = " + answer(hook, row));
        HandlerOrigin second = script("b.fake", hook.name() + " = ok");

        ChainOutcome<?> outcome = call(hook);

        expect(outcome, row.then(hook), hook, first, Optional.of(second));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chainHooks")
    void aChainWithoutScriptsIsUnhandled(ChainHook<?, ?> hook) {
        assertThat(call(hook)).isEqualTo(ChainOutcome.unhandled());
    }

    @Test
    void scriptsAreAskedInLoadOrderAndTheFirstVerdictWins() throws Exception {
        HandlerOrigin loadedFirst = script("b.fake", "auth_on_publish = deny");
        script("a.fake", "auth_on_publish = ok");
        Path never = write("c.fake", "auth_on_publish = record");
        scripts.load(never);

        ChainOutcome<?> outcome = call(Hooks.AUTH_ON_PUBLISH);

        assertThat(outcome).isEqualTo(new ChainOutcome.Denied<>(Optional.empty(), Optional.empty(), loadedFirst,
                ChainOutcome.Cause.VERDICT));
        assertThat(FakeEngine.recorded(never)).isEmpty();
    }

    @Test
    void aFailingRewriteScriptIsReportedWithFileAndLine() throws Exception {
        script("a.fake", "# rewrites", "on_deliver = error no such table");

        ChainOutcome<?> outcome = call(Hooks.ON_DELIVER);

        assertThat(outcome).isInstanceOfSatisfying(ChainOutcome.Failed.class,
                f -> assertThat(f.message()).endsWith("a.fake:2: no such table"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notificationHooks")
    void aNotificationTellsEveryScriptIgnoresAnswersAndSurvivesErrors(NotificationHook<?> hook) throws Exception {
        Path first = write("a.fake", hook.name() + " = record");
        Path failing = write("b.fake", hook.name() + " = error boom");
        Path refusing = write("c.fake", hook.name() + " = deny");
        Path last = write("d.fake", hook.name() + " = record");
        for (Path p : List.of(first, failing, refusing, last)) {
            scripts.load(p);
        }

        notify(hook);
        await(lane::isIdle);

        assertThat(FakeEngine.recorded(first)).containsExactly(CLIENT);
        assertThat(FakeEngine.recorded(last)).containsExactly(CLIENT);
        assertThat(scripts.stats(failing)).singleElement()
                .satisfies(s -> assertThat(s.calls()).isEqualTo(1))
                .satisfies(s -> assertThat(s.errors()).isEqualTo(1));
    }

    @Test
    void statisticsCountCallsAndErrorsPerScriptAndHook() throws Exception {
        Path failing = write("a.fake", "auth_on_publish = error boom", "auth_on_subscribe = ok");
        Path deciding = write("b.fake", "auth_on_publish = ok");
        scripts.load(failing);
        scripts.load(deciding);

        for (int i = 0; i < 3; i++) {
            call(Hooks.AUTH_ON_PUBLISH);
        }
        call(Hooks.AUTH_ON_SUBSCRIBE);

        assertThat(scripts.stats(failing)).extracting(HandlerStats.Snapshot::hook, HandlerStats.Snapshot::calls,
                HandlerStats.Snapshot::errors).containsExactly(
                tuple("auth_on_publish", 3L, 3L),
                tuple("auth_on_subscribe", 1L, 0L));
        assertThat(scripts.stats(deciding)).extracting(HandlerStats.Snapshot::hook, HandlerStats.Snapshot::calls,
                HandlerStats.Snapshot::errors).containsExactly(tuple("auth_on_publish", 3L, 0L));
    }

    @Test
    void aScriptThatMissesItsDeadlineCountsAsTheFallbackAndATimeout() throws Exception {
        dispatcher.close();
        dispatcher = new HookDispatcher(registry, DispatchSettings.builder().deadline(Duration.ofMillis(200))
                .fallback(TimeoutFallback.NEXT).build());
        lane = dispatcher.newLane(CLIENT);
        Path slow = write("a.fake", "auth_on_publish = sleep 10000 then deny");
        scripts.load(slow);
        HandlerOrigin fast = script("b.fake", "auth_on_publish = ok");

        ChainOutcome<?> outcome = call(Hooks.AUTH_ON_PUBLISH);

        assertThat(outcome).isEqualTo(new ChainOutcome.Allowed<>(Optional.empty(), fast));
        assertThat(scripts.stats(slow)).singleElement().satisfies(s -> assertThat(s.timeouts()).isEqualTo(1));
    }

    private static String answer(ChainHook<?, ?> hook, Row row) {
        return row.answer().equals("modifiers") ? MODIFIERS.get(hook).line() : row.answer();
    }

    private static void expect(ChainOutcome<?> outcome, Then then, ChainHook<?, ?> hook, HandlerOrigin script,
                               Optional<HandlerOrigin> next) {
        switch (then) {
            case ACCEPT -> assertThat(outcome).isEqualTo(new ChainOutcome.Allowed<>(Optional.empty(), script));
            case ACCEPT_WITH_MODIFIERS -> assertThat(outcome)
                    .isEqualTo(new ChainOutcome.Allowed<>(Optional.of(MODIFIERS.get(hook).modifiers()), script));
            case REFUSE -> assertThat(outcome).isEqualTo(new ChainOutcome.Denied<>(Optional.empty(), Optional.empty(),
                    script, ChainOutcome.Cause.VERDICT));
            case REFUSE_WITH_REASON -> assertThat(outcome).isEqualTo(new ChainOutcome.Denied<>(
                    Optional.of(ReasonCode.NOT_AUTHORIZED), Optional.of("not yours"), script, ChainOutcome.Cause.VERDICT));
            case REFUSE_INVALID_MODIFIERS -> assertThat(outcome).isEqualTo(new ChainOutcome.Denied<>(Optional.empty(),
                    Optional.empty(), script, ChainOutcome.Cause.INVALID_MODIFIERS));
            case ASK_NEXT -> assertThat(outcome).isEqualTo(next
                    .<ChainOutcome<?>>map(n -> new ChainOutcome.Allowed<>(Optional.empty(), n))
                    .orElse(ChainOutcome.exhausted()));
            case NEXT_ELSE_DENY -> assertThat(outcome).isEqualTo(next
                    .<ChainOutcome<?>>map(n -> new ChainOutcome.Allowed<>(Optional.empty(), n))
                    .orElse(new ChainOutcome.Denied<>(Optional.empty(), Optional.empty(), script,
                            ChainOutcome.Cause.HANDLER_FAILED)));
            case FAIL -> assertThat(outcome).isInstanceOfSatisfying(ChainOutcome.Failed.class,
                    f -> assertThat(f.decidedBy()).isEqualTo(script));
        }
    }

    private Path write(String name, String... lines) throws Exception {
        return Files.writeString(dir.resolve(name), String.join("\n", lines));
    }

    private HandlerOrigin script(String name, String... lines) throws Exception {
        Path file = write(name, lines);
        return HandlerOrigin.script(scripts.load(file).path().toString());
    }

    private <C extends HookContext, M extends Modifiers> ChainOutcome<M> call(ChainHook<C, M> hook) {
        return dispatcher.chain(lane, hook, FakeContexts.sample(hook, CLIENT)).toCompletableFuture()
                .orTimeout(30, TimeUnit.SECONDS).join();
    }

    private <C extends HookContext> void notify(NotificationHook<C> hook) {
        dispatcher.notify(lane, hook, FakeContexts.sample(hook, CLIENT));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(5);
        }
    }
}
