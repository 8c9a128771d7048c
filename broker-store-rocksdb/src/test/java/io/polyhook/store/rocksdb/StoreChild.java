package io.polyhook.store.rocksdb;

import io.polyhook.broker.store.InFlightEntry;
import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.QueuedMessage;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.config.SyncMode;
import io.polyhook.spi.SubscriberId;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * A process the store tests start and kill: {@code hold <report> <folder>} keeps a store open
 * until its standard input ends; {@code write <report> <folder> <sync> <firstCounter> <seed>}
 * appends, consumes, moves to in-flight and acknowledges at random until it is killed. It reports
 * to the file {@code <report>}: an intent line before a change that removes something, and an
 * acknowledgement line once a change is durable. Each line is one write(2) in append mode, so a
 * kill never tears one and never loses one written before it.
 */
public final class StoreChild {

    static final int SESSIONS = 3;

    private StoreChild() {
    }

    public static void main(String[] args) throws Exception {
        out = new FileOutputStream(args[1], true);
        Path folder = Path.of(args[2]);
        if (args[0].equals("hold")) {
            try (RocksBrokerStore store = RocksBrokerStore.open(folder, SyncMode.BATCH, Duration.ofMillis(10))) {
                say(store.folder().equals(folder.toAbsolutePath().normalize()) ? "OPEN" : "ELSEWHERE");
                while (System.in.read() >= 0) {
                    // Held until the parent closes our input.
                }
            }
            return;
        }
        write(folder, SyncMode.of(args[3]).orElseThrow(), Long.parseLong(args[4]), new Random(Long.parseLong(args[5])));
    }

    static SubscriberId session(int i) {
        return new SubscriberId("", "s" + i);
    }

    private static void write(Path folder, SyncMode sync, long firstCounter, Random random) throws IOException {
        RocksBrokerStore store = RocksBrokerStore.open(folder, sync, Duration.ofMillis(10));
        List<Map<Integer, Long>> inFlight = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            inFlight.add(new HashMap<>());
        }
        store.recover(r -> {
            int s = Integer.parseInt(r.session().id().clientId().substring(1));
            for (InFlightEntry e : r.inFlight()) {
                inFlight.get(s).put(e.packetId(), counterOf(e.message().payload().toUtf8String()));
            }
        });
        try (StoreBatch b = store.batch()) {
            for (int i = 0; i < SESSIONS; i++) {
                b.putSession(Fixtures.session(session(i)));
            }
            b.commit().toCompletableFuture().join();
        }
        say("READY");
        long counter = firstCounter;
        int nextPacketId = 1 + random.nextInt(60_000);
        while (true) {
            int s = random.nextInt(SESSIONS);
            SubscriberId id = session(s);
            int dice = random.nextInt(10);
            if (dice < 6) {
                int n = 1 + random.nextInt(5);
                List<Long> counters = new ArrayList<>();
                try (StoreBatch b = store.batch()) {
                    for (int i = 0; i < n; i++) {
                        if (!b.append(id, Fixtures.message("t", s + ":" + counter), QueueLimits.NONE).queued()) {
                            say("BUG " + s + " append of " + counter + " not queued");
                        }
                        counters.add(counter++);
                    }
                    b.commit().toCompletableFuture().join();
                }
                say("A " + s + " " + join(counters));
            } else if (dice < 8) {
                List<QueuedMessage> head = store.readQueue(id, QueueOrder.OLDEST_FIRST, QueueOrder.OLDEST_FIRST.start(),
                        1 + random.nextInt(3));
                if (head.isEmpty()) {
                    continue;
                }
                List<Long> counters = head.stream().map(q -> counterOf(q.message().payload().toUtf8String())).toList();
                say("c? " + s + " " + join(counters));
                try (StoreBatch b = store.batch()) {
                    long n = b.removeQueuedThrough(id, head.getLast().seq());
                    if (n != head.size()) {
                        say("BUG " + s + " removed " + n + " of " + head.size() + " through " + head.getLast().seq());
                    }
                    b.commit().toCompletableFuture().join();
                }
                say("C " + s + " " + join(counters));
            } else if (dice < 9) {
                List<QueuedMessage> head = store.readQueue(id, QueueOrder.OLDEST_FIRST, QueueOrder.OLDEST_FIRST.start(), 1);
                if (head.isEmpty()) {
                    continue;
                }
                long c = counterOf(head.getFirst().message().payload().toUtf8String());
                int pid;
                do {
                    pid = nextPacketId;
                    nextPacketId = nextPacketId == 65_535 ? 1 : nextPacketId + 1;
                } while (inFlight.get(s).containsKey(pid));
                say("f? " + s + " " + c + " " + pid);
                try (StoreBatch b = store.batch()) {
                    if (!b.moveToInFlight(id, head.getFirst().seq(), pid)) {
                        say("BUG " + s + " move of " + c + " (seq " + head.getFirst().seq() + ") refused");
                    }
                    b.commit().toCompletableFuture().join();
                }
                inFlight.get(s).put(pid, c);
                say("F " + s + " " + c + " " + pid + " seq " + head.getFirst().seq());
            } else if (!inFlight.get(s).isEmpty()) {
                int pid = inFlight.get(s).keySet().iterator().next();
                long c = inFlight.get(s).remove(pid);
                say("r? " + s + " " + c + " " + pid);
                try (StoreBatch b = store.batch()) {
                    b.removeInFlight(id, pid);
                    b.commit().toCompletableFuture().join();
                }
                say("R " + s + " " + c + " " + pid);
            }
        }
    }

    static long counterOf(String payload) {
        return Long.parseLong(payload.substring(payload.indexOf(':') + 1));
    }

    private static String join(List<Long> counters) {
        return counters.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    private static FileOutputStream out;

    /** One line in one write(2): a kill cannot leave half of it. */
    private static void say(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
