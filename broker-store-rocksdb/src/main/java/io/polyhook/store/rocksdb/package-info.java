/**
 * The broker's durable state on RocksDB: {@link io.polyhook.store.rocksdb.RocksBrokerStore}, an
 * implementation of broker-netty's {@link io.polyhook.broker.store.BrokerStore}. See
 * {@code docs/operations.md}, "Persistence", for the guarantees of each sync mode, the on-disk layout,
 * backups and version changes.
 */
package io.polyhook.store.rocksdb;
