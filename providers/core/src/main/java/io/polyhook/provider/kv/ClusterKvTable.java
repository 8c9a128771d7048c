package io.polyhook.provider.kv;

import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.Values;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A table created with {@code cluster = true}: its keys live in the cluster's shared tables, each
 * operation on one key atomic across the nodes. A key's values are one {@link StoredEntry}, in
 * Base64 (the shared tables hold strings). The calling (virtual) thread waits for the cluster.
 */
final class ClusterKvTable implements ScriptTable {

    private final String name;
    private final TableType type;
    private final SharedKvTables shared;

    ClusterKvTable(String name, TableType type, SharedKvTables shared) {
        this.name = name;
        this.type = type;
        this.shared = shared;
    }

    @Override
    public void insert(Map<String, Object> pairs) {
        for (Map.Entry<String, Object> pair : pairs.entrySet()) {
            if (pair.getValue() == null) {
                continue;
            }
            Object value = Values.immutableCopy(pair.getValue());
            await(shared.update(name, pair.getKey(),
                    old -> Optional.of(encode(type.merged(old.map(ClusterKvTable::decode).orElse(null), value)))));
        }
    }

    /**
     * Sets each key if absent; if one is present, takes back those it set and answers false. Atomic
     * per key: another node may see the first keys set for that short while.
     */
    @Override
    public boolean insertNew(Map<String, Object> pairs) {
        List<String> set = new ArrayList<>();
        for (Map.Entry<String, Object> pair : pairs.entrySet()) {
            if (pair.getValue() == null) {
                continue;
            }
            String value = encode(List.of(Values.immutableCopy(pair.getValue())));
            if (!await(shared.putIfAbsent(name, pair.getKey(), value))) {
                set.forEach(key -> await(shared.remove(name, key)));
                return false;
            }
            set.add(pair.getKey());
        }
        return true;
    }

    @Override
    public List<Object> lookup(String key) {
        return await(shared.get(name, key)).map(ClusterKvTable::decode).map(ArrayList::new)
                .orElseGet(ArrayList::new);
    }

    @Override
    public void delete(String key) {
        await(shared.remove(name, key));
    }

    @Override
    public void deleteAll() {
        await(shared.clear(name));
    }

    private static String encode(List<Object> values) {
        return Base64.getEncoder().encodeToString(new StoredEntry(StoredEntry.NEVER, values).encode());
    }

    private static List<Object> decode(String stored) {
        return StoredEntry.decode(Base64.getDecoder().decode(stored)).values();
    }

    private <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("kv table '" + name + "': interrupted waiting for the cluster");
        } catch (ExecutionException e) {
            throw new ProviderException("kv table '" + name + "' (cluster): " + e.getCause().getMessage(), e.getCause());
        }
    }
}
