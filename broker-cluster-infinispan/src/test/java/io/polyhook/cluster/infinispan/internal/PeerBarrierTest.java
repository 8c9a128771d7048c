package io.polyhook.cluster.infinispan.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The barrier a leaving node passes with each peer: when it is passed, the peer's event thread has
 * run what was queued on it before (its route changes), and what the peer sent before has been
 * handled here.
 */
class PeerBarrierTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private DataPlanePair pair;
    private ExecutorService eventsA;
    private ExecutorService eventsB;
    private PeerBarrier barrier;

    @BeforeEach
    void start() throws Exception {
        pair = new DataPlanePair(64L << 20);
        eventsA = Executors.newSingleThreadExecutor();
        eventsB = Executors.newSingleThreadExecutor();
        barrier = new PeerBarrier(pair.a, eventsA);
        new PeerBarrier(pair.b, eventsB);
    }

    @AfterEach
    void stop() {
        pair.close();
        eventsA.shutdownNow();
        eventsB.shutdownNow();
    }

    @Test
    void whenItIsPassedEverythingThePeerSentBeforeHasBeenHandledHere() throws Exception {
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        pair.a.onDelivery(d -> got.add(d.message().payload().toUtf8String()));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            sent.add("m" + i);
            assertThat(pair.b.send("a", DataPlaneTest.delivery(pair.b, "t", "m" + i))).isTrue();
        }

        assertThat(barrier.pass(List.of("b"), PATIENCE)).isEmpty();

        assertThat(got).containsExactlyElementsOf(sent);
    }

    @Test
    void whenItIsPassedThePeersEventThreadHasRunWhatWasQueuedOnItBefore() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        eventsB.execute(() -> {
            try {
                hold.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicBoolean applied = new AtomicBoolean();
        // A route change the peer received before the barrier, waiting behind the held task.
        eventsB.execute(() -> applied.set(true));
        Thread release = Thread.ofVirtual().start(hold::countDown);

        assertThat(barrier.pass(List.of("b"), PATIENCE)).isEmpty();

        assertThat(applied).isTrue();
        release.join();
    }

    @Test
    void aPeerThatDoesNotAnswerIsNamed() throws Exception {
        assertThat(barrier.pass(List.of("b", "gone"), PATIENCE)).containsExactly("gone");
    }
}
