package io.polyhook.store.rocksdb;

import io.polyhook.broker.store.InFlightEntry;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.QueuedMessage;
import io.polyhook.broker.config.SyncMode;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 at random moments: a child JVM appends, consumes, moves messages in flight and
 * acknowledges them, reporting each change once it is durable; the test kills it, opens the
 * store itself, and checks that everything acknowledged is there, in order, exactly once.
 */
class CrashRecoveryTest {

    private static final int KILLS = 3;

    @TempDir
    Path dir;


    /** What the child reported for one session. */
    private static final class Model {
        final Set<Long> appended = new HashSet<>();
        final Set<Long> consumed = new HashSet<>();
        final Set<Long> maybeConsumed = new HashSet<>();
        final Map<Long, Integer> moved = new HashMap<>();
        final Set<Long> acked = new HashSet<>();
        final Set<Long> maybeAcked = new HashSet<>();
    }

    @ParameterizedTest
    @EnumSource(value = SyncMode.class, names = {"BATCH", "ALWAYS"})
    void everyAcknowledgedChangeSurvivesKillMinusNine(SyncMode sync) throws Exception {
        List<String> history = new ArrayList<>();
        Path folder = dir.resolve("store");
        List<Model> models = new ArrayList<>();
        for (int i = 0; i < StoreChild.SESSIONS; i++) {
            models.add(new Model());
        }
        Random random = new Random(sync.ordinal() * 1000L + 17);
        int acknowledged = 0;
        for (int round = 0; round < KILLS; round++) {
            try (ChildJvm child = new ChildJvm(dir.resolve("report.txt"), "write", folder.toString(), sync.configName(),
                    Long.toString(round * 1_000_000_000L), Long.toString(random.nextLong()))) {
                assertThat(child.await("READY", 60)).as("the child opened the store").isTrue();
                Thread.sleep(100 + random.nextInt(400));
                for (String line : child.kill()) {
                    acknowledged += apply(models, line);
                    history.add(round + ": " + line);
                }
            }
            verify(folder, models, history);
        }
        System.out.printf("crash test, sync %s: %d kills, %d acknowledged changes verified%n", sync.configName(), KILLS,
                acknowledged);
        assertThat(acknowledged).as("changes the children acknowledged").isGreaterThan(KILLS * 10);
    }

    private static int apply(List<Model> models, String line) {
        String[] f = line.split(" ");
        if (f.length < 3) {
            return 0;
        }
        Model m = models.get(Integer.parseInt(f[1]));
        if (f[0].equals("BUG")) {
            throw new AssertionError("the store misbehaved in the child: " + line);
        }
        List<Long> counters = new ArrayList<>();
        for (int i = 2; i < f.length && !f[i].equals("seq"); i++) {
            counters.add(Long.parseLong(f[i]));
        }
        switch (f[0]) {
            case "A" -> m.appended.addAll(counters);
            case "c?" -> m.maybeConsumed.addAll(counters);
            case "C" -> m.consumed.addAll(counters);
            case "f?" -> {
                // An unacknowledged move leaves the message in exactly one place, which verify checks for all.
            }
            case "F" -> m.moved.put(counters.get(0), counters.get(1).intValue());
            case "r?" -> m.maybeAcked.add(counters.get(0));
            case "R" -> m.acked.add(counters.get(0));
            default -> {
                return 0;
            }
        }
        return Character.isUpperCase(f[0].charAt(0)) ? 1 : 0;
    }

    /** Checks the store against what the children reported; on a mismatch prints that session's history. */
    private static void verify(Path folder, List<Model> models, List<String> history) {
        try (RocksBrokerStore store = RocksBrokerStore.open(folder, SyncMode.BATCH, Duration.ofMillis(10))) {
            Map<SubscriberId, Map<Integer, Long>> inFlight = new HashMap<>();
            store.recover(r -> {
                Map<Integer, Long> byPid = new HashMap<>();
                for (InFlightEntry e : r.inFlight()) {
                    byPid.put(e.packetId(), StoreChild.counterOf(e.message().payload().toUtf8String()));
                }
                inFlight.put(r.session().id(), byPid);
            });
            for (int s = 0; s < models.size(); s++) {
                SubscriberId id = StoreChild.session(s);
                Map<Integer, Long> flying = inFlight.getOrDefault(id, Map.of());
                try {
                    verifySession(store, s, models.get(s), flying);
                } catch (AssertionError e) {
                    String session = " " + s + " ";
                    history.stream().filter(l -> l.contains(session)).forEach(System.err::println);
                    System.err.println("queue " + Fixtures.readAll(store, id, QueueOrder.OLDEST_FIRST, 500).stream()
                            .map(q -> q.seq() + "=" + q.message().payload().toUtf8String()).toList());
                    System.err.println("in flight " + flying);
                    throw e;
                }
            }
        }
    }

    private static void verifySession(RocksBrokerStore store, int s, Model m, Map<Integer, Long> flying) {
        SubscriberId id = StoreChild.session(s);
        List<Long> queued = Fixtures.readAll(store, id, QueueOrder.OLDEST_FIRST, 500).stream()
                .map(q -> StoreChild.counterOf(q.message().payload().toUtf8String())).toList();
        Set<Long> inQueue = new HashSet<>(queued);
        Set<Long> inFlightCounters = new HashSet<>(flying.values());

        assertThat(queued).as("session %d's queue is in order", s).isSorted();
        assertThat(inQueue).as("no message of session %d is queued twice", s).hasSameSizeAs(queued);
        assertThat(store.queueSize(id).messages()).as("session %d's counted size", s).isEqualTo(queued.size());
        for (long c : m.appended) {
            boolean queuedNow = inQueue.contains(c);
            boolean flyingNow = inFlightCounters.contains(c);
            assertThat(queuedNow && flyingNow).as("message %d of session %d queued and in flight", c, s).isFalse();
            if (m.consumed.contains(c)) {
                assertThat(queuedNow || flyingNow).as("consumed message %d of session %d is back", c, s).isFalse();
            } else if (m.acked.contains(c)) {
                assertThat(flyingNow || queuedNow).as("acknowledged message %d of session %d is back", c, s).isFalse();
            } else if (m.moved.containsKey(c) && !m.maybeAcked.contains(c)) {
                assertThat(flying.get(m.moved.get(c))).as("message %d of session %d in flight", c, s).isEqualTo(c);
            } else if (m.moved.containsKey(c)) {
                assertThat(queuedNow).as("message %d of session %d moved in flight is queued again", c, s).isFalse();
            } else if (!m.maybeConsumed.contains(c) && !m.maybeAcked.contains(c)) {
                assertThat(queuedNow || flyingNow).as("acknowledged append %d of session %d is lost", c, s).isTrue();
            }
        }
    }
}
