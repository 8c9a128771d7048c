package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.script.ScriptCallException;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.Hooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A handler's error message becomes one bounded line wherever the dispatcher reports it. */
class FailureTextTest {

    private static final int SIXTEEN_MB = 16 * 1024 * 1024;

    private final HookRegistry registry = new HookRegistry();
    private final HookDispatcher dispatcher = new HookDispatcher(registry, DispatchSettings.defaults());

    @AfterEach
    void close() {
        dispatcher.close();
    }

    @Test
    void aSixteenMegabyteErrorIsCutAndSaysItsLength() {
        String text = FailureText.of(new ScriptCallException("x".repeat(SIXTEEN_MB)));

        assertThat(text).hasSizeLessThan(FailureText.MAX_CHARS + 64)
                .startsWith("x".repeat(FailureText.MAX_CHARS))
                .endsWith("... [cut: " + SIXTEEN_MB + " characters in all]");
    }

    @Test
    void aShortErrorIsKeptAsItIs() {
        assertThat(FailureText.of(new ScriptCallException("acl.lua:3: boom"))).isEqualTo("acl.lua:3: boom");
    }

    @Test
    void lineBreaksAndControlCharactersCannotForgeLogLines() {
        assertThat(FailureText.of(new ScriptCallException("boom\n12:00 INFO admin logged in\r\t\u0007")))
                .isEqualTo("boom\\n12:00 INFO admin logged in\\r\\t\\u0007");
    }

    @Test
    void anErrorWithoutMessageIsNamedByItsClass() {
        assertThat(FailureText.of(new StackOverflowError())).isEqualTo("StackOverflowError");
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String message = "a".repeat(FailureText.MAX_CHARS - 1) + "\uD83D\uDE00" + "b";

        assertThat(FailureText.of(message)).startsWith("a".repeat(FailureText.MAX_CHARS - 1) + "...");
    }

    @Test
    void aStackTraceStandInKeepsTheFramesButNotTheHugeMessage() {
        RuntimeException huge = new RuntimeException("y".repeat(SIXTEEN_MB));

        Throwable shown = FailureText.withStackTrace(huge);

        assertThat(shown.toString()).startsWith("java.lang.RuntimeException: yyy").hasSizeLessThan(FailureText.MAX_CHARS + 128);
        assertThat(shown.getStackTrace()).isEqualTo(huge.getStackTrace());
        RuntimeException small = new RuntimeException("short");
        assertThat(FailureText.withStackTrace(small)).isSameAs(small);
    }

    @Test
    void theMessageOfAFailedRewriteIsCutTheSameWay() {
        registry.registrar(HandlerOrigin.script("big.lua"), 0).register(Hooks.ON_DELIVER, ctx -> {
            throw new ScriptCallException("big.lua:1: " + "z".repeat(SIXTEEN_MB));
        });

        ChainOutcome<DeliverModifiers> outcome = dispatcher.chain(dispatcher.newLane("c"), Hooks.ON_DELIVER,
                Contexts.publish("c", "t")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();

        assertThat(outcome).isInstanceOfSatisfying(ChainOutcome.Failed.class, f -> assertThat(f.message())
                .hasSizeLessThan(FailureText.MAX_CHARS + 64).endsWith((SIXTEEN_MB + 11) + " characters in all]"));
    }
}
