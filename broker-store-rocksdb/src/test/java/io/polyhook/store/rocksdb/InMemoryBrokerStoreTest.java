package io.polyhook.store.rocksdb;

import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.InMemoryBrokerStore;

/** The in-memory store against the store contract; its "restart" keeps the same heap. */
class InMemoryBrokerStoreTest extends BrokerStoreContract {

    @Override
    protected BrokerStore open() {
        return new InMemoryBrokerStore();
    }

    @Override
    protected BrokerStore reopen() {
        return store;
    }
}
