package io.polyhook.store.rocksdb;

import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.QueuedMessage;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Values and short-hands the store tests share. */
final class Fixtures {

    static final long T0 = 1_700_000_000_000L;

    private Fixtures() {
    }

    static SubscriberId id(String client) {
        return new SubscriberId("", client);
    }

    static StoredSession session(SubscriberId id) {
        return StoredSession.connected(id, MqttVersion.V5, StoredSession.NEVER);
    }

    static StoredMessage message(String topic, String payload) {
        return new StoredMessage(topic, 1, Bytes.utf8(payload), false, MqttProperties.EMPTY, Optional.of("pub"),
                List.of(), T0);
    }

    /** Applies {@code changes} in one batch and commits it, waiting until it is durable. */
    static void commit(BrokerStore store, Consumer<StoreBatch> changes) {
        try (StoreBatch b = store.batch()) {
            changes.accept(b);
            b.commit().toCompletableFuture().join();
        }
    }

    /** Every queued message, oldest first, read in pages of {@code page}. */
    static List<QueuedMessage> readAll(BrokerStore store, SubscriberId id, QueueOrder order, int page) {
        List<QueuedMessage> out = new ArrayList<>();
        long cursor = order.start();
        while (true) {
            List<QueuedMessage> p = store.readQueue(id, order, cursor, page);
            if (p.isEmpty()) {
                return out;
            }
            out.addAll(p);
            cursor = p.get(p.size() - 1).seq();
        }
    }

    /** The payloads of {@code messages} as text. */
    static List<String> payloads(List<QueuedMessage> messages) {
        return messages.stream().map(q -> q.message().payload().toUtf8String()).toList();
    }
}
