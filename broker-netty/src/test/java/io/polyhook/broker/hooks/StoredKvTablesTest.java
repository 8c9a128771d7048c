package io.polyhook.broker.hooks;

import io.polyhook.broker.session.Adoption;
import io.polyhook.broker.store.InMemoryBrokerStore;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class StoredKvTablesTest {

    @Test
    void aScriptTableNamedLikeTheBrokersOwnTableNeitherSeesNorTouchesIt() throws Exception {
        try (InMemoryBrokerStore store = new InMemoryBrokerStore()) {
            try (var batch = store.batch()) {
                batch.putKv(Adoption.MARKER_TABLE, "client-a", new byte[] {1});
                batch.commit().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            StoredKvTables tables = new StoredKvTables(store);

            Map<String, byte[]> seen = new HashMap<>();
            tables.forEach(Adoption.MARKER_TABLE, seen::put);
            assertThat(seen).as("the script's table of that name is empty").isEmpty();

            tables.write(Adoption.MARKER_TABLE, Map.of("client-a", new byte[] {9}), List.of())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            tables.drop(Adoption.MARKER_TABLE).toCompletableFuture().get(10, TimeUnit.SECONDS);

            Map<String, byte[]> brokers = new HashMap<>();
            store.forEachKv(Adoption.MARKER_TABLE, brokers::put);
            assertThat(brokers).containsOnlyKeys("client-a");
            assertThat(brokers.get("client-a")).containsExactly(1);
        }
    }
}
