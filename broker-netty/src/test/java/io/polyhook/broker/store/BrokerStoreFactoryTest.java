package io.polyhook.broker.store;

import io.polyhook.broker.config.PersistenceSettings;
import io.polyhook.broker.config.SyncMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Without an engine module on the class path, broker-netty runs in memory or says what is missing. */
class BrokerStoreFactoryTest {

    @Test
    void withoutAnEngineOnlyTheInMemoryStoreIsThere() {
        PersistenceSettings off = new PersistenceSettings(false, Path.of("data"), SyncMode.BATCH,
                PersistenceSettings.DEFAULT.syncInterval());
        try (BrokerStore store = BrokerStoreFactory.forSettings(off, Path.of("."))) {
            assertThat(store).isInstanceOf(InMemoryBrokerStore.class);
        }
        assertThatThrownBy(() -> BrokerStoreFactory.forSettings(PersistenceSettings.DEFAULT, Path.of(".")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("persistence.enabled is true but no store engine is on the class path: add the"
                        + " broker-store-rocksdb module, or set persistence.enabled: false");
    }
}
