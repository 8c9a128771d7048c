package io.polyhook.bench.store;

import io.polyhook.broker.config.SyncMode;
import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.store.rocksdb.RocksBrokerStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

/**
 * Fills a broker's store, before the broker starts, with one offline persistent MQTT 3.1.1 session
 * (clean session off, never expires) subscribed to {@code <client>/#} at QoS 1, whose queue holds
 * {@code messages} QoS 1 messages of {@code payload} random bytes: the start-up measure of
 * {@code benchmarks/run-million-startup.sh}.
 *
 * <pre>java -cp benchmarks.jar io.polyhook.bench.store.FillQueue &lt;store folder&gt; &lt;client id&gt; &lt;messages&gt; [payload bytes]</pre>
 */
public final class FillQueue {

    private static final int PER_BATCH = 1_000;

    private FillQueue() {
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: FillQueue <store folder> <client id> <messages> [payload bytes, default 100]");
            System.exit(2);
        }
        Path folder = Path.of(args[0]);
        String client = args[1];
        long messages = Long.parseLong(args[2]);
        int payloadBytes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        SubscriberId id = new SubscriberId("", client);
        // Incompressible payloads: the size on disk is what real traffic would take.
        Random random = new Random(1);
        long start = System.nanoTime();
        try (RocksBrokerStore store = RocksBrokerStore.open(folder, SyncMode.NONE, Duration.ofMillis(10))) {
            long now = System.currentTimeMillis();
            try (StoreBatch b = store.batch()) {
                b.putSession(new StoredSession(id, MqttVersion.V3_1_1, StoredSession.NEVER, OptionalLong.of(now), -1,
                        false, false, Optional.empty()));
                b.putSubscription(id, TopicSubscription.of(client + "/#", 1));
                b.commit();
            }
            for (long done = 0; done < messages; ) {
                try (StoreBatch b = store.batch()) {
                    long end = Math.min(messages, done + PER_BATCH);
                    for (; done < end; done++) {
                        byte[] payload = new byte[payloadBytes];
                        random.nextBytes(payload);
                        b.append(id, new StoredMessage(client + "/" + (done % 100), 1, Bytes.wrap(payload), false,
                                MqttProperties.EMPTY, Optional.empty(), List.of(), now), QueueLimits.NONE);
                    }
                    b.commit();
                }
            }
            System.out.printf("queued %,d messages of %d bytes for %s in %.1f s; store %.0f MB on disk%n", messages,
                    payloadBytes, client, (System.nanoTime() - start) / 1e9, store.metrics().diskBytes() / 1e6);
        }
    }
}
