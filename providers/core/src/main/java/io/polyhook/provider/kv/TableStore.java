package io.polyhook.provider.kv;

import io.polyhook.core.provider.ProviderException;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/** The durable side of one table created with {@code persist = true}: its entries in a {@link KvStorage}. */
final class TableStore {

    private final KvStorage storage;
    private final String table;
    private final InstantSource clock;

    TableStore(KvStorage storage, String table, InstantSource clock) {
        this.storage = storage;
        this.table = table;
        this.clock = clock;
    }

    /** A stored entry written now, expiring {@code ttl} from now ({@code null}: never). */
    byte[] entry(List<Object> values, Duration ttl) {
        long expiresAt = ttl == null ? StoredEntry.NEVER : clock.millis() + ttl.toMillis();
        return new StoredEntry(expiresAt, values).encode();
    }

    /** A loaded entry; the remaining time to live from now, zero or less once expired. */
    Duration remaining(StoredEntry entry) {
        return Duration.ofMillis(entry.expiresAt() - clock.millis());
    }

    interface Loaded {
        void accept(String key, StoredEntry entry);
    }

    /** Reads every entry; one that cannot be decoded is reported to {@code damaged} and skipped. */
    void load(Loaded each, Consumer<String> damaged) {
        storage.forEach(table, (key, bytes) -> {
            StoredEntry entry;
            try {
                entry = StoredEntry.decode(bytes);
            } catch (IllegalArgumentException e) {
                damaged.accept(key);
                return;
            }
            each.accept(key, entry);
        });
    }

    /** Orders the changes after every earlier write; see {@link #await} for their durability. */
    CompletionStage<Void> write(Map<String, byte[]> puts, Collection<String> removals) {
        try {
            return storage.write(table, puts, removals);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    CompletionStage<Void> drop() {
        try {
            return storage.drop(table);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /** Waits until a write is durable: the caller's call returns only then. */
    void await(CompletionStage<Void> written) {
        try {
            written.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("kv table '" + table + "': interrupted waiting for the store"
                    + " (the write is applied, and durable as the store makes it)");
        } catch (ExecutionException e) {
            throw failed(e.getCause());
        }
    }

    private ProviderException failed(Throwable e) {
        return new ProviderException("kv table '" + table + "' cannot be stored: " + e.getMessage(), e);
    }
}
