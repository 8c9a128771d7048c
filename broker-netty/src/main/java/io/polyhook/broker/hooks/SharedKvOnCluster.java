package io.polyhook.broker.hooks;

import io.polyhook.broker.cluster.ClusterTables;
import io.polyhook.provider.kv.SharedKvTables;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/** The {@code kv} library's {@code cluster = true} tables on the cluster's shared tables. */
final class SharedKvOnCluster implements SharedKvTables {

    private final ClusterTables tables;

    SharedKvOnCluster(ClusterTables tables) {
        this.tables = tables;
    }

    @Override
    public CompletionStage<Optional<String>> get(String table, String key) {
        return tables.table(table).get(key);
    }

    @Override
    public CompletionStage<Optional<String>> update(String table, String key, UnaryOperator<Optional<String>> update) {
        return tables.table(table).update(key, update);
    }

    @Override
    public CompletionStage<Boolean> putIfAbsent(String table, String key, String value) {
        return tables.table(table).putIfAbsent(key, value);
    }

    @Override
    public CompletionStage<Boolean> remove(String table, String key) {
        return tables.table(table).remove(key);
    }

    @Override
    public CompletionStage<Void> clear(String table) {
        return tables.table(table).clear();
    }
}
