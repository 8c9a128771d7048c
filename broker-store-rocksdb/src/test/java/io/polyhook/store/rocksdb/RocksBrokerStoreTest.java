package io.polyhook.store.rocksdb;

import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.config.SyncMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/** The RocksDB store against the store contract; a restart closes and opens the folder again. */
class RocksBrokerStoreTest extends BrokerStoreContract {

    @TempDir
    Path dir;

    @Override
    protected BrokerStore open() {
        return RocksBrokerStore.open(dir.resolve("store"), SyncMode.BATCH, Duration.ofMillis(10));
    }

    @Override
    protected BrokerStore reopen() {
        store.close();
        return open();
    }
}
