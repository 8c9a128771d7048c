package io.polyhook.broker.store;

import io.polyhook.broker.config.PersistenceSettings;

import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Opens a durable {@link BrokerStore}. broker-netty does not depend on a store engine: an engine
 * module (broker-store-rocksdb) registers its factory as a {@link ServiceLoader} service, and the
 * broker finds it on the class path.
 */
public interface BrokerStoreFactory {

    /**
     * Opens the store of {@code settings}, its relative {@code dir} taken from {@code configFolder}.
     *
     * @throws StoreException if it cannot be opened, saying why and what to do
     */
    BrokerStore open(PersistenceSettings settings, Path configFolder);

    /**
     * The store the broker runs with: in memory when persistence is disabled, otherwise the
     * durable store of the engine on the class path.
     *
     * @throws IllegalStateException if persistence is enabled and no engine is on the class path
     * @throws StoreException        if the durable store cannot be opened
     */
    static BrokerStore forSettings(PersistenceSettings settings, Path configFolder) {
        if (!settings.enabled()) {
            return new InMemoryBrokerStore();
        }
        return ServiceLoader.load(BrokerStoreFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("persistence.enabled is true but no store engine is on the"
                        + " class path: add the broker-store-rocksdb module, or set persistence.enabled: false"))
                .open(settings, configFolder);
    }
}
