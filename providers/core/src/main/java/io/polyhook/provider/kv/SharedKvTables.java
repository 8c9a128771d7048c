package io.polyhook.provider.kv;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/**
 * Where the tables created with {@code cluster = true} live: the cluster's shared tables, which
 * every node sees, handed to {@link KvProviderFactory} by the broker when {@code cluster.enabled}
 * is on. Each operation is atomic on its key across the cluster; values are opaque strings to it
 * (the kv library encodes them). Thread-safe.
 */
public interface SharedKvTables {

    /** The value of {@code key} in {@code table}, if any. */
    CompletionStage<Optional<String>> get(String table, String key);

    /**
     * Applies {@code update} to the value of {@code key} atomically (retried on conflict, so it
     * must be free of side effects); empty removes the key.
     */
    CompletionStage<Optional<String>> update(String table, String key, UnaryOperator<Optional<String>> update);

    /** Sets {@code key} if it has no value; whether it did. */
    CompletionStage<Boolean> putIfAbsent(String table, String key, String value);

    /** Removes {@code key}; whether it had a value. */
    CompletionStage<Boolean> remove(String table, String key);

    /** Removes every key of {@code table}. */
    CompletionStage<Void> clear(String table);
}
