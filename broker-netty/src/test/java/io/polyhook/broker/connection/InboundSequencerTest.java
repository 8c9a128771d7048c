package io.polyhook.broker.connection;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbound order of one connection, with the event loop run by hand: packets are strings,
 * those starting with "p" are PUBLISHes (pipelined), "s…" wait for a chain, anything else is a
 * plain packet. Nothing here waits on a clock or another thread.
 */
class InboundSequencerTest {

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final List<String> handled = new ArrayList<>();
    private final List<RuntimeException> failures = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ReadGate gate = new ReadGate(channel.pipeline().firstContext());
    // Per PUBLISH, its verdict, completed by the test; per "s" packet, its chain.
    private final List<CompletableFuture<String>> verdicts = new ArrayList<>();
    private final List<CompletableFuture<String>> chains = new ArrayList<>();
    private final InboundSequencer sequencer = new InboundSequencer(tasks::add, new Handler(), 4, gate);

    private final class Handler implements InboundSequencer.PacketHandler {
        @Override
        public void handle(Object packet) {
            String p = (String) packet;
            if (p.startsWith("p")) {
                CompletableFuture<String> verdict = new CompletableFuture<>();
                verdicts.add(verdict);
                sequencer.pipeline(verdict, answer -> handled.add(p + ":" + answer));
            } else if (p.startsWith("s")) {
                CompletableFuture<String> chain = new CompletableFuture<>();
                chains.add(chain);
                sequencer.await(chain, answer -> handled.add(p + ":" + answer));
            } else if (p.equals("boom")) {
                throw new IllegalStateException("broken");
            } else {
                handled.add(p);
            }
        }

        @Override
        public boolean pipelines(Object packet) {
            return ((String) packet).startsWith("p");
        }

        @Override
        public void failed(RuntimeException e) {
            failures.add(e);
        }
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private void runEventLoop() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    @Test
    void aPacketWithNothingBeforeItIsHandledAtOnce() {
        sequencer.submit("PING");

        assertThat(handled).containsExactly("PING");
        assertThat(tasks).isEmpty();
    }

    @Test
    void aPingreqNeverOvertakesAPendingPublish() {
        sequencer.submit("p1");
        sequencer.submit("PING");
        assertThat(handled).isEmpty();
        assertThat(sequencer.held()).isEqualTo(1);

        verdicts.get(0).complete("ok");
        runEventLoop();

        assertThat(handled).containsExactly("p1:ok", "PING");
    }

    @Test
    void laterPublishesAreHandledWhileEarlierVerdictsArePending() {
        sequencer.submit("p1");
        sequencer.submit("p2");
        sequencer.submit("p3");

        // Every chain was submitted at read time: three verdicts pending, none held back.
        assertThat(verdicts).hasSize(3);
        assertThat(sequencer.held()).isZero();
        assertThat(sequencer.pending()).isEqualTo(3);
    }

    @Test
    void verdictsAreAppliedInArrivalOrderWhenTheyCompleteOutOfOrder() {
        sequencer.submit("p1");
        sequencer.submit("p2");
        verdicts.get(1).complete("ok");
        runEventLoop();
        assertThat(handled).isEmpty();

        verdicts.get(0).complete("denied");
        runEventLoop();

        assertThat(handled).containsExactly("p1:denied", "p2:ok");
        assertThat(sequencer.pending()).isZero();
    }

    @Test
    void aBurstOfCompletionsIsAppliedInOneEventLoopTask() {
        for (int i = 0; i < 5; i++) {
            sequencer.submit("p" + i);
        }
        verdicts.forEach(v -> v.complete("ok"));

        assertThat(tasks).hasSize(1);
        runEventLoop();
        assertThat(handled).containsExactly("p0:ok", "p1:ok", "p2:ok", "p3:ok", "p4:ok");
    }

    @Test
    void aVerdictCompletingAfterAPassSchedulesAnotherOne() {
        sequencer.submit("p1");
        sequencer.submit("p2");
        verdicts.get(0).complete("ok");
        runEventLoop();
        verdicts.get(1).complete("ok");
        runEventLoop();

        assertThat(handled).containsExactly("p1:ok", "p2:ok");
    }

    @Test
    void aStepAfterEarlierVerdictsRunsNowWhenNoneIsPendingAndInOrderOtherwise() {
        sequencer.afterEarlier(() -> handled.add("now"));
        sequencer.submit("p1");
        sequencer.afterEarlier(() -> handled.add("after p1"));
        assertThat(handled).containsExactly("now");

        verdicts.get(0).complete("ok");
        runEventLoop();

        assertThat(handled).containsExactly("now", "p1:ok", "after p1");
    }

    @Test
    void aPacketWaitingForAChainHoldsBackEverythingAfterIt() {
        sequencer.submit("s1");
        sequencer.submit("p2");
        sequencer.submit("PING");
        assertThat(handled).isEmpty();
        assertThat(verdicts).isEmpty();
        assertThat(sequencer.held()).isEqualTo(2);

        chains.get(0).complete("granted");
        runEventLoop();

        assertThat(handled).containsExactly("s1:granted");
        verdicts.get(0).complete("ok");
        runEventLoop();
        assertThat(handled).containsExactly("s1:granted", "p2:ok", "PING");
    }

    @Test
    void aChainAlreadyAnsweredContinuesWithoutAnEventLoopTask() {
        sequencer.await(CompletableFuture.completedFuture("cached"), answer -> handled.add("then:" + answer));

        assertThat(handled).containsExactly("then:cached");
        assertThat(tasks).isEmpty();
    }

    @Test
    void haltingAfterEarlierVerdictsHandlesNothingMoreMeanwhile() {
        sequencer.submit("p1");
        sequencer.haltAfterEarlier(() -> {
            handled.add("disconnect");
            sequencer.stop();
        });
        sequencer.submit("p2");
        assertThat(verdicts).hasSize(1);

        verdicts.get(0).complete("ok");
        runEventLoop();

        assertThat(handled).containsExactly("p1:ok", "disconnect");
        assertThat(verdicts).hasSize(1);
    }

    @Test
    void readingPausesPastMaxPendingAndResumesAtHalfOfIt() {
        sequencer.submit("p1");
        for (int i = 0; i < 4; i++) {
            sequencer.submit("PING" + i);
        }
        assertThat(channel.config().isAutoRead()).isTrue();
        sequencer.submit("PING4");
        assertThat(channel.config().isAutoRead()).isFalse();

        verdicts.get(0).complete("ok");
        runEventLoop();

        assertThat(handled).hasSize(6);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void afterStopNothingIsHandledButPendingVerdictsAreStillApplied() {
        sequencer.submit("p1");
        sequencer.submit("PING");
        sequencer.stop();
        sequencer.submit("PING2");

        verdicts.get(0).complete("ok");
        runEventLoop();

        assertThat(handled).containsExactly("p1:ok");
    }

    @Test
    void aChainAnsweredAfterStopIsNotApplied() {
        sequencer.submit("s1");
        sequencer.stop();
        chains.get(0).complete("granted");
        runEventLoop();

        assertThat(handled).isEmpty();
    }

    @Test
    void aPacketThatThrowsIsReportedAndStopsTheDrain() {
        sequencer.submit("boom");

        assertThat(failures).extracting(Throwable::getMessage).containsExactly("broken");
    }

    @Test
    void aStepThatThrowsIsReportedAndTheNextStillRun() {
        sequencer.submit("p1");
        sequencer.afterEarlier(() -> {
            throw new IllegalStateException("broken step");
        });
        sequencer.afterEarlier(() -> handled.add("after"));
        verdicts.get(0).complete("ok");
        runEventLoop();

        assertThat(failures).extracting(Throwable::getMessage).containsExactly("broken step");
        assertThat(handled).containsExactly("p1:ok", "after");
    }
}
