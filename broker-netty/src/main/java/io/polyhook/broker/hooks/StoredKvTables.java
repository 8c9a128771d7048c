package io.polyhook.broker.hooks;

import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.provider.kv.KvStorage;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * The {@code kv} library's persistent tables in the broker's durable store: one store batch per
 * kv write, whose stage completes when the {@code persistence.sync} mode says it is durable.
 * Script tables live under their own prefix in the store's kv records, so a script cannot name
 * (read, overwrite or drop) a table the broker keeps there itself, such as the session-adoption
 * markers of the cluster.
 */
final class StoredKvTables implements KvStorage {

    /** Prefixed to every script table's name in the store. */
    static final String PREFIX = "script:";

    private final BrokerStore store;

    StoredKvTables(BrokerStore store) {
        this.store = store;
    }

    @Override
    public void forEach(String table, BiConsumer<String, byte[]> each) {
        store.forEachKv(PREFIX + table, each);
    }

    @Override
    public CompletionStage<Void> write(String table, Map<String, byte[]> puts, Collection<String> removals) {
        try (StoreBatch batch = store.batch()) {
            puts.forEach((key, value) -> batch.putKv(PREFIX + table, key, value));
            removals.forEach(key -> batch.removeKv(PREFIX + table, key));
            return batch.commit();
        }
    }

    @Override
    public CompletionStage<Void> drop(String table) {
        try (StoreBatch batch = store.batch()) {
            batch.dropKvTable(PREFIX + table);
            return batch.commit();
        }
    }
}
