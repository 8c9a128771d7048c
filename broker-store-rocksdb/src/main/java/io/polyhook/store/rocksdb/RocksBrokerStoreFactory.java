package io.polyhook.store.rocksdb;

import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.BrokerStoreFactory;
import io.polyhook.broker.config.PersistenceSettings;

import java.nio.file.Path;

/** The RocksDB engine as the broker finds it ({@code META-INF/services}). */
public final class RocksBrokerStoreFactory implements BrokerStoreFactory {

    @Override
    public BrokerStore open(PersistenceSettings settings, Path configFolder) {
        return RocksBrokerStore.open(settings, configFolder);
    }
}
