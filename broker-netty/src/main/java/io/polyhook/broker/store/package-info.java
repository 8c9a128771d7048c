/**
 * The broker's durable state behind a small interface of its own ({@link io.polyhook.broker.store.BrokerStore}):
 * persistent sessions and their subscriptions, offline queues, in-flight QoS 1/2 state, inbound QoS 2
 * packet ids, retained messages, delayed wills and persistent script kv tables.
 *
 * <p>Two implementations: {@link io.polyhook.broker.store.InMemoryBrokerStore} (tests,
 * {@code persistence.enabled: false}) and the RocksDB store of the {@code broker-store-rocksdb} module,
 * which depends on this package and not the other way round. Both pass one contract test.
 *
 * <p>The rules every implementation keeps: changes are grouped in a {@link io.polyhook.broker.store.StoreBatch}
 * that becomes visible and durable atomically; {@link io.polyhook.broker.store.StoreBatch#commit()} returns
 * only once the changes are in the write-ahead log, and its stage completes once they are as durable as the
 * configured {@link io.polyhook.broker.config.SyncMode} promises, which is when the broker may acknowledge them.
 */
package io.polyhook.broker.store;
