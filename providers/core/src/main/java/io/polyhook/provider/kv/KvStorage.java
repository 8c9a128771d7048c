package io.polyhook.provider.kv;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * Where the tables created with {@code persist = true} keep their entries: the broker's durable
 * store, handed to {@link KvProviderFactory#KvProviderFactory(KvStorage)} by the broker when it wires
 * its providers. Entries are opaque bytes to it; the kv library encodes them. Thread-safe.
 */
public interface KvStorage {

    /** Calls {@code each} with every key and stored entry of {@code table}, at the table's creation. */
    void forEach(String table, BiConsumer<String, byte[]> each);

    /**
     * Stores {@code puts} and removes {@code removals} in {@code table}, all or nothing. Returns once the
     * changes are ordered after every earlier write (so a caller serialising its writes keeps their
     * order); the stage completes once they are as durable as the store promises.
     *
     * @throws RuntimeException with a one-line message if nothing could be written
     */
    CompletionStage<Void> write(String table, Map<String, byte[]> puts, Collection<String> removals);

    /** Removes every entry of {@code table}, as {@link #write} does its changes. */
    CompletionStage<Void> drop(String table);
}
