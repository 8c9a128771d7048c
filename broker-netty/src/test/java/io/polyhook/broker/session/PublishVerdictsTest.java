package io.polyhook.broker.session;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Pipelined PUBLISH verdicts: applied in arrival order, whatever order they complete in. */
class PublishVerdictsTest {

    /** The event loop, run by hand. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final List<String> applied = new ArrayList<>();
    private final List<RuntimeException> failures = new ArrayList<>();
    private int batches;
    private final PublishVerdicts verdicts = new PublishVerdicts(tasks::add, () -> batches++, failures::add);

    private void runEventLoop() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    @Test
    void aStepWithNothingPendingRunsAtOnce() {
        verdicts.then(() -> applied.add("now"));

        assertThat(applied).containsExactly("now");
        assertThat(tasks).isEmpty();
    }

    @Test
    void verdictsAreAppliedInArrivalOrderWhenTheyCompleteOutOfOrder() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        verdicts.add(first, () -> applied.add("first"));
        verdicts.add(second, () -> applied.add("second"));

        second.complete("ok");
        runEventLoop();
        assertThat(applied).isEmpty();

        first.complete("ok");
        runEventLoop();
        assertThat(applied).containsExactly("first", "second");
        assertThat(verdicts.isEmpty()).isTrue();
    }

    @Test
    void aStepBehindAPendingVerdictWaitsForIt() {
        CompletableFuture<String> verdict = new CompletableFuture<>();
        verdicts.add(verdict, () -> applied.add("publish"));
        verdicts.then(() -> applied.add("disconnect"));
        assertThat(applied).isEmpty();
        assertThat(verdicts.size()).isEqualTo(2);

        verdict.complete("ok");
        runEventLoop();

        assertThat(applied).containsExactly("publish", "disconnect");
    }

    @Test
    void aBurstOfCompletionsIsAppliedInOneEventLoopTask() {
        List<CompletableFuture<String>> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CompletableFuture<String> f = new CompletableFuture<>();
            int n = i;
            verdicts.add(f, () -> applied.add("m" + n));
            burst.add(f);
        }
        burst.forEach(f -> f.complete("ok"));

        assertThat(tasks).hasSize(1);
        runEventLoop();
        assertThat(applied).containsExactly("m0", "m1", "m2", "m3", "m4");
        assertThat(batches).isEqualTo(1);
    }

    @Test
    void aVerdictCompletingAfterAPassSchedulesAnotherOne() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        verdicts.add(first, () -> applied.add("first"));
        verdicts.add(second, () -> applied.add("second"));
        first.complete("ok");
        runEventLoop();
        second.complete("ok");
        runEventLoop();

        assertThat(applied).containsExactly("first", "second");
        assertThat(batches).isEqualTo(2);
    }

    @Test
    void aStepThatThrowsIsReportedAndTheNextStillRun() {
        CompletableFuture<String> verdict = new CompletableFuture<>();
        verdicts.add(verdict, () -> {
            throw new IllegalStateException("broken");
        });
        verdicts.then(() -> applied.add("after"));
        verdict.complete("ok");
        runEventLoop();

        assertThat(failures).extracting(Throwable::getMessage).containsExactly("broken");
        assertThat(applied).containsExactly("after");
    }
}
