package io.polyhook.broker.cluster;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/**
 * A kv table every node sees ({@code kv} tables created with the cluster option). Each operation
 * is atomic on its key across the cluster; values are strings (the kv library encodes script
 * values).
 */
public interface SharedTable {

    /** The table's name. */
    String name();

    /** The value of {@code key}, if any. */
    CompletionStage<Optional<String>> get(String key);

    /** Sets {@code key} to {@code value}. */
    CompletionStage<Void> put(String key, String value);

    /** Sets {@code key} if it has no value; whether it did. */
    CompletionStage<Boolean> putIfAbsent(String key, String value);

    /** Sets {@code key} to {@code value} if its value is {@code expected}; whether it did. */
    CompletionStage<Boolean> replace(String key, String expected, String value);

    /**
     * Applies {@code update} to the value of {@code key} atomically (compare and set, retried on
     * conflict, so {@code update} must be free of side effects); empty removes the key. Returns
     * the value it left.
     */
    CompletionStage<Optional<String>> update(String key, UnaryOperator<Optional<String>> update);

    /** Removes {@code key}; whether it had a value. */
    CompletionStage<Boolean> remove(String key);

    /** Removes every key of the table. */
    CompletionStage<Void> clear();
}
