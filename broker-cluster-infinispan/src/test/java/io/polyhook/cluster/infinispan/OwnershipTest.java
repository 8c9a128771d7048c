package io.polyhook.cluster.infinispan;

import io.polyhook.broker.cluster.Claim;
import io.polyhook.broker.cluster.ClusterException;
import io.polyhook.broker.cluster.InFlightMessage;
import io.polyhook.broker.cluster.IncomingSession;
import io.polyhook.broker.cluster.OutgoingSession;
import io.polyhook.broker.cluster.Owner;
import io.polyhook.broker.cluster.SessionOwnership;
import io.polyhook.broker.cluster.SessionState;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who holds a client id: claims with epochs, takeovers across nodes, fencing of a former owner. */
@ExtendWith(SharedCluster.class)
class OwnershipTest {

    static TestCluster cluster;
    static final List<FakeBroker> brokers = new ArrayList<>();
    static final List<io.polyhook.spi.Registration> registrations = new ArrayList<>();

    @BeforeAll
    static void start(TestCluster shared) {
        cluster = shared;
        for (InfinispanCluster n : cluster.nodes) {
            FakeBroker b = new FakeBroker();
            brokers.add(b);
            registrations.add(n.ownership().onTakeover(b));
        }
    }

    @AfterAll
    static void stop() {
        registrations.forEach(io.polyhook.spi.Registration::close);
    }

    static SessionOwnership on(int node) {
        return cluster.node(node).ownership();
    }

    static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Message msg(String topic, int qos, String payload) {
        return Message.of(topic, qos, Bytes.utf8(payload), false, MqttProperties.EMPTY, "publisher");
    }

    @Test
    void eachClaimTakesTheNextEpochAndNamesThePreviousOwner() {
        SubscriberId id = new SubscriberId("", "epochs");
        Claim first = join(on(1).claim(id));
        Claim second = join(on(2).claim(id));
        Claim third = join(on(2).claim(id));
        assertThat(first.owner()).isEqualTo(new Owner("node1", 1));
        assertThat(first.previous()).isEmpty();
        assertThat(second.owner()).isEqualTo(new Owner("node2", 2));
        assertThat(second.previous()).contains(new Owner("node1", 1));
        assertThat(second.takesOverFromAnotherNode()).isTrue();
        assertThat(third.takesOverFromAnotherNode()).isFalse();
        assertThat(join(on(3).owner(id))).contains(new Owner("node2", 3));
    }

    @Test
    void aRestartedNodeReclaimsThousandsOfStoredSessionsAndLeavesThoseClaimedElsewhere() {
        // Two chunks and a bit: ids nobody holds, ids this node held at some epoch, ids another node took meanwhile.
        int n = 2 * 1024 + 17;
        List<SubscriberId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(new SubscriberId("", "stored-" + i));
        }
        // Set up (and checked below) with many calls in flight at once: one at a time, it takes long on a busy machine.
        List<CompletableFuture<Claim>> setUp = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SubscriberId id = ids.get(i);
            if (i % 3 == 1) {
                setUp.add(on(1).claim(id).thenCompose(c -> on(1).claim(id)).toCompletableFuture());
            } else if (i % 3 == 2) {
                setUp.add(on(1).claim(id).thenCompose(c -> on(3).claim(id)).toCompletableFuture());
            }
        }
        setUp.forEach(OwnershipTest::join);

        java.util.Map<SubscriberId, Owner> now = join(on(1).reclaim(ids));

        assertThat(now).hasSize(n);
        List<CompletableFuture<Optional<Owner>>> entries = ids.stream()
                .map(id -> on(2).owner(id).toCompletableFuture()).toList();
        for (int i = 0; i < n; i++) {
            Owner expected = switch (i % 3) {
                case 0 -> new Owner("node1", 1);
                case 1 -> new Owner("node1", 3);
                default -> new Owner("node3", 2);
            };
            assertThat(now.get(ids.get(i))).as(ids.get(i).clientId()).isEqualTo(expected);
            assertThat(join(entries.get(i))).as("the owner entry of " + ids.get(i).clientId()).contains(expected);
        }
        // What node1 re-claimed is a claim like any other: the next claim elsewhere takes it over from node1.
        Claim taken = join(on(2).claim(ids.get(1)));
        assertThat(taken.previous()).contains(new Owner("node1", 3));

        // The shared cluster's other tests do not wait on node1 reconciling two thousand claims.
        ids.stream().filter(id -> now.get(id).node().equals("node1"))
                .map(id -> on(1).release(new Claim(id, now.get(id), Optional.empty())).toCompletableFuture())
                .toList().forEach(OwnershipTest::join);
    }

    @Test
    void racingClaimsFromEveryNodeGetDistinctEpochsAndOneOwnerRemains() {
        SubscriberId id = new SubscriberId("", "race");
        List<CompletableFuture<Claim>> claims = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int n = 1; n <= 3; n++) {
                claims.add(on(n).claim(id).toCompletableFuture());
            }
        }
        List<Long> epochs = claims.stream().map(OwnershipTest::join).map(Claim::epoch).sorted().toList();
        assertThat(epochs).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
        Claim last = claims.stream().map(OwnershipTest::join).filter(c -> c.epoch() == 15).findFirst().orElseThrow();
        assertThat(join(on(1).owner(id))).contains(last.owner());
        for (var c : claims) {
            assertThat(join(on(1).isCurrent(join(c)))).isEqualTo(join(c) == last);
        }
    }

    @Test
    void aTakeoverClosesTheOldConnectionWith0x8EAndMovesTheSessionInOrder() {
        SubscriberId id = new SubscriberId("", "mover");
        Claim onA = join(on(1).claim(id));
        SessionState state = new SessionState(id, 3600,
                List.of(TopicSubscription.of("a/#", 2), TopicSubscription.of("b/+", 1)),
                List.of(new InFlightMessage(7, msg("a/1", 2, "in-flight-1"), false),
                        new InFlightMessage(8, msg("a/2", 2, "in-flight-2"), true)),
                List.of(msg("a/3", 1, "queued-1"), msg("a/4", 2, "queued-2"), msg("a/5", 1, "queued-3")));
        brokers.get(0).sessions.put(id, state);

        Claim onB = join(on(2).claim(id));
        Optional<IncomingSession> moved = join(on(2).takeOver(onB, false));

        assertThat(moved).isPresent();
        SessionState got = join(moved.get().readAll());
        assertThat(brokers.get(0).committed).as("the old owner keeps its copy until the commit").doesNotContain(id);
        join(moved.get().committed());
        assertThat(brokers.get(0).committed).contains(id);
        assertThat(got.subscriptions()).isEqualTo(state.subscriptions());
        assertThat(got.inflight()).extracting(InFlightMessage::packetId).containsExactly(7, 8);
        assertThat(got.inflight()).extracting(InFlightMessage::released).containsExactly(false, true);
        assertThat(got.inflight()).extracting(f -> f.message().payload().toUtf8String())
                .containsExactly("in-flight-1", "in-flight-2");
        assertThat(got.queued()).extracting(m -> m.payload().toUtf8String())
                .containsExactly("queued-1", "queued-2", "queued-3");
        assertThat(got.queued()).extracting(Message::qos).containsExactly(1, 2, 1);
        assertThat(brokers.get(0).closed).contains(new FakeBroker.Closed(id, 0x8E, onB));
        assertThat(brokers.get(0).sessions).doesNotContainKey(id);
        assertThat(join(on(3).owner(id))).contains(onB.owner());
        assertThat(onA.epoch()).isLessThan(onB.epoch());
    }

    @Test
    void aCleanStartTakeoverClosesTheOldConnectionAndMovesNothing() {
        SubscriberId id = new SubscriberId("", "fresh");
        join(on(3).claim(id));
        brokers.get(2).sessions.put(id, new SessionState(id, 60, List.of(TopicSubscription.of("x", 1)), List.of(),
                List.of(msg("x", 1, "old"))));
        Claim onA = join(on(1).claim(id));
        assertThat(join(on(1).takeOver(onA, true))).isEmpty();
        assertThat(brokers.get(2).closed).extracting(FakeBroker.Closed::id).contains(id);
    }

    @Test
    void aStaleOwnersWritesAreRefused() {
        SubscriberId id = new SubscriberId("", "fenced");
        Claim stale = join(on(1).claim(id));
        Claim current = join(on(2).claim(id));

        assertThat(join(on(1).release(stale))).isFalse();
        assertThat(join(on(1).isCurrent(stale))).isFalse();
        assertThatThrownBy(() -> join(on(1).transfer(stale, "node3",
                OutgoingSession.of(new SessionState(id, 60, List.of(), List.of(), List.of())))))
                .cause().isInstanceOf(ClusterException.class)
                .satisfies(e -> assertThat(((ClusterException) e).reason()).isEqualTo(ClusterException.Reason.STALE_CLAIM));
        assertThat(brokers.get(2).adopted).doesNotContainKey(id);
        assertThat(join(on(3).owner(id))).contains(current.owner());
        assertThat(join(on(2).release(current))).isTrue();
        // The periodic check on the former owner, which ran here at times and wrote its stale claim back.
        cluster.node(1).reconcileOwnersNow();
        assertThat(join(on(3).owner(id))).isEmpty();
    }

    @Test
    void aClaimSeenSupersededIsNeverWrittenBackOnceTheNewerOneIsReleased() {
        SubscriberId id = new SubscriberId("", "superseded");
        join(on(1).claim(id));
        Claim newer = join(on(2).claim(id));
        cluster.node(1).reconcileOwnersNow();
        assertThat(join(on(2).release(newer))).isTrue();

        cluster.node(1).reconcileOwnersNow();

        assertThat(join(on(3).owner(id))).as("node1's superseded claim is not written back").isEmpty();
    }

    @Test
    void aTakeoverWithAClaimThatIsNoLongerCurrentGetsNothing() {
        SubscriberId id = new SubscriberId("", "late-takeover");
        join(on(1).claim(id));
        brokers.get(0).sessions.put(id, new SessionState(id, 60, List.of(), List.of(), List.of(msg("t", 1, "kept"))));
        Claim overtaken = join(on(2).claim(id));
        Claim newest = join(on(3).claim(id));
        // node2's takeover arrives after node3's claim: node1 must not hand the session to node2.
        assertThatThrownBy(() -> join(on(2).takeOver(overtaken, false)))
                .cause().isInstanceOf(ClusterException.class)
                .satisfies(e -> assertThat(((ClusterException) e).reason()).isEqualTo(ClusterException.Reason.STALE_CLAIM));
        assertThat(brokers.get(0).sessions).containsKey(id);
        assertThat(join(on(3).takeOver(newest, false))).isEmpty(); // previous owner is node2, which holds nothing
    }

    @Test
    void aLeavingNodeHandsAnOfflineSessionToAnotherUnderTheNextEpoch() {
        SubscriberId id = new SubscriberId("", "handed-over");
        Claim mine = join(on(1).claim(id));
        SessionState state = new SessionState(id, 600, List.of(TopicSubscription.of("h/#", 1)), List.of(),
                List.of(msg("h/1", 1, "one"), msg("h/2", 1, "two")));
        Claim theirs = join(on(1).transfer(mine, "node3", brokers.get(0).tracked(id, state)));
        assertThat(brokers.get(0).committed).as("the target committed before the transfer completed").contains(id);
        assertThat(theirs.owner()).isEqualTo(new Owner("node3", mine.epoch() + 1));
        assertThat(brokers.get(2).adopted.get(id)).isEqualTo(theirs);
        assertThat(brokers.get(2).sessions.get(id).queued()).extracting(m -> m.payload().toUtf8String())
                .containsExactly("one", "two");
        assertThat(join(on(2).owner(id))).contains(theirs.owner());
        assertThat(join(on(1).isCurrent(mine))).isFalse();
    }

    @Test
    void aLongQueueTravelsInPagesInOrderWithTheInboundQos2Ids() {
        SubscriberId id = new SubscriberId("", "long-queue");
        join(on(1).claim(id));
        List<Message> queue = new ArrayList<>();
        for (int i = 0; i < 1_234; i++) {
            queue.add(msg("long/" + i, 1 + i % 2, Integer.toString(i)));
        }
        brokers.get(0).sessions.put(id, new SessionState(id, 600, List.of(TopicSubscription.of("long/#", 2)), List.of(),
                List.of(3, 9), queue));
        int pagesBefore = brokers.get(0).pagesServed.get();

        Optional<IncomingSession> moved = join(on(2).takeOver(join(on(2).claim(id)), false));
        SessionState got = join(moved.orElseThrow().readAll());

        assertThat(got.inboundQos2()).containsExactly(3, 9);
        assertThat(got.queued()).extracting(m -> m.payload().toUtf8String())
                .containsExactlyElementsOf(queue.stream().map(m -> m.payload().toUtf8String()).toList());
        assertThat(brokers.get(0).pagesServed.get() - pagesBefore).as("pages of at most 500").isGreaterThanOrEqualTo(3);
        join(moved.get().committed());
    }

    @Test
    void aMoveWhoseNewOwnerStopsAskingIsGivenUpAndTheOldOwnerClaimsTheSessionBack() {
        SubscriberId id = new SubscriberId("", "given-up");
        join(on(1).claim(id));
        brokers.get(0).sessions.put(id, new SessionState(id, 600, List.of(), List.of(), List.of(msg("g", 1, "kept"))));
        Claim onB = join(on(2).claim(id));
        IncomingSession moved = join(on(2).takeOver(onB, false)).orElseThrow();
        // node2 never reads the queue nor commits (as if it crashed): after twice the request timeout node1 takes it back.
        TestCluster.await("node1 claimed the session back", () -> brokers.get(0).abandoned.containsKey(id));
        Claim back = brokers.get(0).abandoned.get(id).orElseThrow();
        assertThat(back.owner()).isEqualTo(new Owner("node1", onB.epoch() + 1));
        assertThat(join(on(3).owner(id))).contains(back.owner());
        assertThat(brokers.get(0).sessions).containsKey(id);
        assertThatThrownBy(() -> join(moved.committed())).as("a late commit is refused: node1 kept the session")
                .cause().isInstanceOf(ClusterException.class);
        assertThat(brokers.get(0).committed).doesNotContain(id);
    }
}
