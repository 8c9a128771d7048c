package io.polyhook.store.rocksdb;

import io.polyhook.broker.store.Appended;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.InFlightEntry;
import io.polyhook.broker.store.InFlightStage;
import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.QueueSize;
import io.polyhook.broker.store.QueuedMessage;
import io.polyhook.broker.store.RecoveredSession;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.broker.store.StoredWill;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PayloadFormat;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static io.polyhook.store.rocksdb.Fixtures.commit;
import static io.polyhook.store.rocksdb.Fixtures.id;
import static io.polyhook.store.rocksdb.Fixtures.message;
import static io.polyhook.store.rocksdb.Fixtures.payloads;
import static io.polyhook.store.rocksdb.Fixtures.readAll;
import static io.polyhook.store.rocksdb.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link BrokerStore} does, run against each implementation. {@link #reopen()} is a
 * restart: the RocksDB store is closed and opened again; the in-memory one stays as it is.
 */
abstract class BrokerStoreContract {

    protected BrokerStore store;

    /** A new, empty store. */
    protected abstract BrokerStore open();

    /** The store after a restart. */
    protected abstract BrokerStore reopen();

    @BeforeEach
    void start() {
        store = open();
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private Map<SubscriberId, RecoveredSession> recovered() {
        Map<SubscriberId, RecoveredSession> out = new HashMap<>();
        store.recover(r -> out.put(r.session().id(), r));
        return out;
    }

    private void create(SubscriberId... ids) {
        commit(store, b -> {
            for (SubscriberId id : ids) {
                b.putSession(session(id));
            }
        });
    }

    private Appended append(SubscriberId id, String payload, QueueLimits limits) {
        Appended[] a = new Appended[1];
        commit(store, b -> a[0] = b.append(id, message("t", payload), limits));
        return a[0];
    }

    @Test
    void aSessionComesBackWithEverythingItHas() {
        SubscriberId id = new SubscriberId("mp", "c1");
        MqttProperties props = MqttProperties.builder().messageExpiryInterval(60).contentType("text/plain")
                .responseTopic("re/ply").correlationData(Bytes.utf8("corr")).payloadFormat(PayloadFormat.UTF8)
                .addUserProperty("k", "v1").addUserProperty("k", "v2").build();
        StoredMessage m = new StoredMessage("a/b", 2, Bytes.utf8("payload"), true, props, Optional.of("pub"),
                List.of(7, 9), Fixtures.T0);
        StoredSession s = new StoredSession(id, MqttVersion.V3_1_1, 3600, OptionalLong.of(Fixtures.T0), 42, true, true,
                Optional.of("alice"));
        TopicSubscription plain = TopicSubscription.of("a/+", 1);
        TopicSubscription v5 = new TopicSubscription("$share/g/x/#", 2,
                new SubscriptionOptions(true, true, RetainHandling.DONT_SEND, OptionalInt.of(268_435_455)));
        commit(store, b -> {
            b.putSession(s);
            b.putSubscription(id, plain);
            b.putSubscription(id, v5);
            b.putInFlight(id, 1, m);
            b.putInFlight(id, 65_535, m);
            b.putInboundQos2(id, 17);
            b.putWill(id, new StoredWill(m, Fixtures.T0 + 5000));
        });
        commit(store, b -> b.releaseInFlight(id, 65_535));
        store = reopen();

        RecoveredSession r = recovered().get(id);
        assertThat(r.session()).isEqualTo(s);
        assertThat(r.subscriptions()).containsExactlyInAnyOrder(plain, v5);
        assertThat(r.inFlight()).containsExactly(new InFlightEntry(1, InFlightStage.SENT, m),
                new InFlightEntry(65_535, InFlightStage.RELEASED, m));
        assertThat(r.inboundQos2()).containsExactly(17);
        assertThat(r.will()).contains(new StoredWill(m, Fixtures.T0 + 5000));
        assertThat(r.queued()).isEqualTo(QueueSize.EMPTY);
    }

    @Test
    void removingASessionRemovesAllItHasAndTheIdentityStartsAfresh() {
        SubscriberId id = id("c");
        create(id);
        commit(store, b -> {
            b.putSubscription(id, TopicSubscription.of("a", 1));
            b.append(id, message("a", "m1"), QueueLimits.NONE);
            b.putInFlight(id, 3, message("a", "m0"));
            b.putInboundQos2(id, 4);
            b.putWill(id, new StoredWill(message("w", "bye"), Fixtures.T0));
        });
        commit(store, b -> {
            b.removeSession(id);
            b.putSession(session(id));
        });
        store = reopen();
        RecoveredSession r = recovered().get(id);
        assertThat(r.subscriptions()).isEmpty();
        assertThat(r.inFlight()).isEmpty();
        assertThat(r.inboundQos2()).isEmpty();
        assertThat(r.will()).isEmpty();
        assertThat(r.queued()).isEqualTo(QueueSize.EMPTY);
        assertThat(readAll(store, id, QueueOrder.OLDEST_FIRST, 10)).isEmpty();
        assertThat(store.metrics().queuedMessages()).isZero();
    }

    @Test
    void removedSessionIsGoneAfterRestart() {
        SubscriberId id = id("gone");
        create(id, id("kept"));
        commit(store, b -> b.append(id, message("a", "x"), QueueLimits.NONE));
        commit(store, b -> b.removeSession(id));
        store = reopen();
        assertThat(recovered()).containsOnlyKeys(id("kept"));
    }

    @Test
    void aQueueIsReadInOrderInPagesAndSurvivesARestart() {
        SubscriberId id = id("q");
        create(id);
        for (int i = 0; i < 25; i++) {
            append(id, "m" + i, QueueLimits.NONE);
        }
        List<String> expected = IntStream.range(0, 25).mapToObj(i -> "m" + i).toList();
        assertThat(payloads(readAll(store, id, QueueOrder.OLDEST_FIRST, 4))).isEqualTo(expected);
        assertThat(payloads(readAll(store, id, QueueOrder.NEWEST_FIRST, 7))).isEqualTo(expected.reversed());

        store = reopen();
        assertThat(payloads(readAll(store, id, QueueOrder.OLDEST_FIRST, 10))).isEqualTo(expected);
        assertThat(store.queueSize(id)).isEqualTo(new QueueSize(25, expected.stream().mapToInt(p -> weight(p)).sum()));
        assertThat(recovered().get(id).queued().messages()).isEqualTo(25);
        // Appends after a restart come after what was there.
        append(id, "after", QueueLimits.NONE);
        List<QueuedMessage> all = readAll(store, id, QueueOrder.OLDEST_FIRST, 100);
        assertThat(all.getLast().message().payload().toUtf8String()).isEqualTo("after");
    }

    /** What a message of {@link Fixtures#message} with this payload weighs: {@code Message.heapBytes()}. */
    private static int weight(String payload) {
        return 128 + payload.length() + 2 * "t".length();
    }

    @ParameterizedTest(name = "{0} messages into max {1} messages / {2} bytes: {3} kept, {4} dropped")
    @CsvSource({
            // appended, maxMessages, maxBytes, kept (oldest dropped first), dropped; each message weighs 132
            "5, 3, 0, m2 m3 m4, 2",
            "5, 5, 0, m0 m1 m2 m3 m4, 0",
            "3, 0, 0, '', 3",
            "5, 100, 400, m2 m3 m4, 2",
            "4, 2, 300, m2 m3, 2",
            "3, 100, 100, m2, 2",
    })
    void queueLimitsDropTheOldest(int appended, int maxMessages, long maxBytes, String kept, int dropped) {
        SubscriberId id = id("limited");
        create(id);
        QueueLimits limits = new QueueLimits(maxMessages, maxBytes);
        int drops = 0;
        for (int i = 0; i < appended; i++) {
            drops += append(id, "m" + i, limits).dropped();
        }
        List<String> expected = kept.isEmpty() ? List.of() : List.of(kept.split(" "));
        assertThat(payloads(readAll(store, id, QueueOrder.OLDEST_FIRST, 2))).isEqualTo(expected);
        assertThat(drops).isEqualTo(dropped);
        assertThat(store.queueSize(id).messages()).isEqualTo(expected.size());
        store = reopen();
        assertThat(store.queueSize(id).messages()).isEqualTo(expected.size());
    }

    @Test
    void aQueueAlwaysHasRoomForOneMessageHoweverLarge() {
        SubscriberId id = id("big");
        create(id);
        QueueLimits limits = new QueueLimits(10, 140);
        append(id, "ok", limits);
        Appended a = append(id, "too-large", limits);
        assertThat(a.queued()).isTrue();
        assertThat(a.dropped()).isEqualTo(1);
        assertThat(payloads(readAll(store, id, QueueOrder.OLDEST_FIRST, 10))).containsExactly("too-large");
        assertThat(store.queueSize(id)).isEqualTo(new QueueSize(1, weight("too-large")));
    }

    @Test
    void removalsTakeMessagesOutAndKeepTheSize() {
        SubscriberId id = id("r");
        create(id);
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seqs.add(append(id, "m" + i, QueueLimits.NONE).seq());
        }
        boolean[] results = new boolean[3];
        long[] through = new long[1];
        commit(store, b -> {
            through[0] = b.removeQueuedThrough(id, seqs.get(2));
            results[0] = b.removeQueued(id, seqs.get(5));
            results[1] = b.moveToInFlight(id, seqs.get(3), 77);
        });
        commit(store, b -> results[2] = b.removeQueued(id, seqs.get(5)));
        assertThat(through[0]).isEqualTo(3);
        assertThat(results).containsExactly(true, true, false);
        assertThat(payloads(readAll(store, id, QueueOrder.OLDEST_FIRST, 3))).containsExactly("m4", "m6", "m7", "m8", "m9");
        assertThat(store.queueSize(id)).isEqualTo(new QueueSize(5, 5L * weight("m4")));
        store = reopen();
        assertThat(store.queueSize(id)).isEqualTo(new QueueSize(5, 5L * weight("m4")));
        assertThat(recovered().get(id).inFlight()).singleElement().satisfies(e -> {
            assertThat(e.packetId()).isEqualTo(77);
            assertThat(e.stage()).isEqualTo(InFlightStage.SENT);
            assertThat(e.message().payload().toUtf8String()).isEqualTo("m3");
        });
    }

    @Test
    void aMessageMovesInFlightWithTheStoredFormHandedOutOnlyWhileItIsQueued() {
        SubscriberId id = id("s");
        create(id);
        List<Appended> appended = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            appended.add(append(id, "m" + i, QueueLimits.NONE));
        }
        QueuedMessage read = readAll(store, id, QueueOrder.OLDEST_FIRST, 10).get(2);
        commit(store, b -> b.removeQueuedThrough(id, appended.get(0).seq()));
        boolean[] moved = new boolean[3];
        commit(store, b -> {
            // Removed by the head removal: its stored form must not bring it back in flight.
            moved[0] = b.moveToInFlight(id, appended.get(0).seq(), 10, appended.get(0).stored());
            moved[1] = b.moveToInFlight(id, appended.get(1).seq(), 11, appended.get(1).stored());
            moved[2] = b.moveToInFlight(id, read.seq(), 12, read.stored());
        });
        assertThat(moved).containsExactly(false, true, true);
        assertThat(payloads(readAll(store, id, QueueOrder.OLDEST_FIRST, 10))).containsExactly("m3");
        assertThat(store.queueSize(id)).isEqualTo(new QueueSize(1, weight("m3")));
        store = reopen();
        assertThat(store.queueSize(id)).isEqualTo(new QueueSize(1, weight("m3")));
        assertThat(recovered().get(id).inFlight())
                .extracting(e -> e.packetId() + ":" + e.stage() + ":" + e.message().payload().toUtf8String())
                .containsExactlyInAnyOrder("11:SENT:m1", "12:SENT:m2");
    }

    @Test
    void aMessageIsRemovedWithTheStoredFormHandedOutOnlyWhileItIsQueued() {
        SubscriberId id = id("r");
        create(id);
        List<Appended> appended = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            appended.add(append(id, "m" + i, QueueLimits.NONE));
        }
        commit(store, b -> b.removeQueuedThrough(id, appended.get(0).seq()));
        boolean[] removed = new boolean[2];
        commit(store, b -> {
            // Removed by the head removal already: its stored form does not make it count twice.
            removed[0] = b.removeQueued(id, appended.get(0).seq(), appended.get(0).stored());
            removed[1] = b.removeQueued(id, appended.get(1).seq(), appended.get(1).stored());
        });
        assertThat(removed).containsExactly(false, true);
        assertThat(payloads(readAll(store, id, QueueOrder.OLDEST_FIRST, 10))).containsExactly("m2");
        assertThat(store.queueSize(id)).isEqualTo(new QueueSize(1, weight("m2")));
        store = reopen();
        assertThat(store.queueSize(id)).isEqualTo(new QueueSize(1, weight("m2")));
    }

    @Test
    void aDiscardedBatchChangesNothing() {
        SubscriberId id = id("d");
        create(id);
        long first = append(id, "kept", QueueLimits.messages(1)).seq();
        try (StoreBatch b = store.batch()) {
            assertThat(b.append(id, message("t", "discarded"), QueueLimits.messages(1)).dropped()).isEqualTo(1);
            assertThat(b.removeQueued(id, first)).isFalse();
            b.putSubscription(id, TopicSubscription.of("x", 0));
            b.putRetained("", message("r", "discarded"));
        }
        assertThat(payloads(readAll(store, id, QueueOrder.OLDEST_FIRST, 10))).containsExactly("kept");
        assertThat(store.queueSize(id).messages()).isEqualTo(1);
        assertThat(recovered().get(id).subscriptions()).isEmpty();
        List<StoredMessage> retained = new ArrayList<>();
        store.forEachRetained((mp, m) -> retained.add(m));
        assertThat(retained).isEmpty();
        // The drop it decided was undone: the queue still takes and drops as before.
        assertThat(append(id, "next", QueueLimits.messages(1)).dropped()).isEqualTo(1);
        assertThat(payloads(readAll(store, id, QueueOrder.OLDEST_FIRST, 10))).containsExactly("next");
    }

    @Test
    void aClosedStoreRefusesToWork() {
        StoreBatch open = store.batch();
        open.close();
        store.close();
        assertThatThrownBy(store::batch).isInstanceOfSatisfying(io.polyhook.broker.store.StoreException.class,
                e -> assertThat(e.kind()).isEqualTo(io.polyhook.broker.store.StoreException.Kind.CLOSED));
        assertThatThrownBy(() -> store.recover(r -> { })).isInstanceOf(io.polyhook.broker.store.StoreException.class);
        store = open();
    }

    @Test
    void aBatchCommitsOnce() {
        StoreBatch b = store.batch();
        b.commit();
        assertThatThrownBy(b::commit).isInstanceOf(IllegalStateException.class);
        b.close();
    }

    @Test
    void changesToAnUnknownSessionAreIgnored() {
        SubscriberId nobody = id("nobody");
        commit(store, b -> {
            assertThat(b.append(nobody, message("t", "x"), QueueLimits.NONE)).isEqualTo(Appended.NO_SESSION);
            b.putSubscription(nobody, TopicSubscription.of("a", 1));
            b.putInFlight(nobody, 1, message("t", "x"));
            assertThat(b.releaseInFlight(nobody, 1)).isFalse();
            assertThat(b.moveToInFlight(nobody, 0, 1)).isFalse();
            b.removeSession(nobody);
        });
        assertThat(recovered()).isEmpty();
        assertThat(store.readQueue(nobody, QueueOrder.OLDEST_FIRST, -1, 10)).isEmpty();
        assertThat(store.queueSize(nobody)).isEqualTo(QueueSize.EMPTY);
    }

    @Test
    void inFlightEntriesMoveThroughTheirStages() {
        SubscriberId id = id("f");
        create(id);
        commit(store, b -> {
            b.putInFlight(id, 1, message("t", "q1"));
            b.putInFlight(id, 2, message("t", "q2"));
        });
        boolean[] released = new boolean[2];
        commit(store, b -> {
            released[0] = b.releaseInFlight(id, 2);
            released[1] = b.releaseInFlight(id, 3);
            b.removeInFlight(id, 1);
        });
        assertThat(released).containsExactly(true, false);
        store = reopen();
        assertThat(recovered().get(id).inFlight()).singleElement()
                .isEqualTo(new InFlightEntry(2, InFlightStage.RELEASED, message("t", "q2")));
        commit(store, b -> b.removeInFlight(id, 2));
        assertThat(recovered().get(id).inFlight()).isEmpty();
    }

    @Test
    void inboundQos2IdsAndWillsComeAndGo() {
        SubscriberId id = id("i");
        create(id);
        commit(store, b -> {
            b.putInboundQos2(id, 1);
            b.putInboundQos2(id, 2);
            b.putWill(id, new StoredWill(message("w", "one"), 1));
        });
        commit(store, b -> {
            b.removeInboundQos2(id, 1);
            b.putWill(id, new StoredWill(message("w", "two"), 2));
        });
        RecoveredSession r = recovered().get(id);
        assertThat(r.inboundQos2()).containsExactly(2);
        assertThat(r.will()).contains(new StoredWill(message("w", "two"), 2));
        commit(store, b -> b.removeWill(id));
        store = reopen();
        assertThat(recovered().get(id).will()).isEmpty();
    }

    @ParameterizedTest(name = "{1} in {0} matches {2}")
    @CsvSource(delimiter = '|', value = {
            "''  | a/b       | a/b",
            "''  | a/+       | a/b a/c",
            "''  | a/#       | a a/b a/b/c a/c",
            "''  | +/b       | a/b",
            "''  | #         | a a/b a/b/c a/c ab",
            "''  | $SYS/#    | $SYS/x",
            "''  | +/x       | ''",
            "''  | nothing   | ''",
            "mp  | #         | a",
    })
    void retainedMessagesAreFoundByFilter(String mountpoint, String filter, String topics) {
        commit(store, b -> {
            for (String t : List.of("a", "a/b", "a/b/c", "a/c", "ab", "$SYS/x")) {
                b.putRetained("", message(t, t));
            }
            b.putRetained("mp", message("a", "other mountpoint"));
            b.putRetained("", message("gone", "x"));
        });
        commit(store, b -> b.removeRetained("", "gone"));
        store = reopen();
        List<String> found = new ArrayList<>();
        store.retained(mountpoint, filter, m -> found.add(m.topic()));
        List<String> expected = topics.isEmpty() ? List.of() : List.of(topics.split(" "));
        assertThat(found).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everyRetainedMessageIsListedWithItsMountpoint() {
        commit(store, b -> {
            b.putRetained("", message("a", "1"));
            b.putRetained("m", message("a", "2"));
            b.putRetained("m", message("a", "3"));
        });
        Map<String, String> all = new HashMap<>();
        store.forEachRetained((mp, m) -> all.put(mp + ":" + m.topic(), m.payload().toUtf8String()));
        assertThat(all).containsExactlyInAnyOrderEntriesOf(Map.of(":a", "1", "m:a", "3"));
    }

    @Test
    void kvTablesKeepTheirOwnKeys() {
        commit(store, b -> {
            b.putKv("t", "k1", "v1".getBytes(StandardCharsets.UTF_8));
            b.putKv("t", "k2", "v2".getBytes(StandardCharsets.UTF_8));
            b.putKv("t2", "k1", "other".getBytes(StandardCharsets.UTF_8));
            b.putKv("", "k", "empty name".getBytes(StandardCharsets.UTF_8));
        });
        commit(store, b -> b.removeKv("t", "k1"));
        store = reopen();
        assertThat(kv("t")).isEqualTo(Map.of("k2", "v2"));
        assertThat(kv("t2")).isEqualTo(Map.of("k1", "other"));
        commit(store, b -> b.dropKvTable("t"));
        assertThat(kv("t")).isEmpty();
        assertThat(kv("t2")).isEqualTo(Map.of("k1", "other"));
        assertThat(kv("")).isEqualTo(Map.of("k", "empty name"));
    }

    private Map<String, String> kv(String table) {
        Map<String, String> out = new HashMap<>();
        store.forEachKv(table, (k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void concurrentAppendersStayWithinTheLimitWhileTheOwnerConsumes() throws Exception {
        SubscriberId id = id("busy");
        create(id);
        QueueLimits limits = QueueLimits.messages(50);
        int threads = 4;
        int perThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> appenders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                appenders.add(pool.submit(() -> {
                    go.await();
                    int drops = 0;
                    for (int i = 0; i < perThread; i++) {
                        Appended[] a = new Appended[1];
                        String payload = "t" + thread + "-" + i;
                        commit(store, b -> a[0] = b.append(id, message("t", payload), limits));
                        drops += a[0].dropped();
                    }
                    return drops;
                }));
            }
            Future<Integer> owner = pool.submit(() -> {
                go.await();
                int taken = 0;
                while (!appenders.stream().allMatch(Future::isDone)) {
                    List<QueuedMessage> page = store.readQueue(id, QueueOrder.OLDEST_FIRST, -1, 5);
                    for (QueuedMessage q : page) {
                        boolean[] moved = new boolean[1];
                        commit(store, b -> moved[0] = b.removeQueued(id, q.seq()));
                        taken += moved[0] ? 1 : 0;
                    }
                }
                return taken;
            });
            go.countDown();
            int dropped = 0;
            for (Future<Integer> f : appenders) {
                dropped += f.get();
            }
            int taken = owner.get();
            long left = readAll(store, id, QueueOrder.OLDEST_FIRST, 16).size();
            assertThat(left).isLessThanOrEqualTo(50);
            assertThat(store.queueSize(id).messages()).isEqualTo(left);
            assertThat(taken + dropped + left).isEqualTo((long) threads * perThread);
            assertThat(store.metrics().queuedMessages()).isEqualTo(left);
            store = reopen();
            assertThat(store.queueSize(id).messages()).isEqualTo(left);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void metricsCountQueuedMessagesAndWrites() {
        SubscriberId a = id("a");
        SubscriberId b = id("b");
        create(a, b);
        append(a, "12345", QueueLimits.NONE);
        append(b, "123", QueueLimits.NONE);
        assertThat(store.metrics().queuedMessages()).isEqualTo(2);
        assertThat(store.metrics().queuedBytes()).isEqualTo(weight("12345") + weight("123"));
        assertThat(store.metrics().writes()).isGreaterThanOrEqualTo(3);
    }
}
