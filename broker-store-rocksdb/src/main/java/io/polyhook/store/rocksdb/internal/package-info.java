/** The RocksDB store's own parts: key and record formats, the opened database, batches and the fsync thread. */
package io.polyhook.store.rocksdb.internal;
