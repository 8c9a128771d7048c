package io.polyhook.store.rocksdb;

import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.config.PersistenceSettings;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.QueueSize;
import io.polyhook.broker.store.QueuedMessage;
import io.polyhook.broker.store.RecoveredSession;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoreException;
import io.polyhook.broker.store.StoreLatencies;
import io.polyhook.broker.store.StoreMetrics;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.config.SyncMode;
import io.polyhook.spi.SubscriberId;
import io.polyhook.store.rocksdb.internal.Column;
import io.polyhook.store.rocksdb.internal.CorruptRecordException;
import io.polyhook.store.rocksdb.internal.Database;
import io.polyhook.store.rocksdb.internal.Failures;
import io.polyhook.store.rocksdb.internal.Keys;
import io.polyhook.store.rocksdb.internal.Records;
import io.polyhook.store.rocksdb.internal.Recovery;
import io.polyhook.store.rocksdb.internal.RocksBatch;
import org.rocksdb.Checkpoint;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The broker's state in a RocksDB database in one folder: column families per kind of record,
 * big-endian (session, sequence) queue keys, one {@code WriteBatch} per {@link StoreBatch}, the
 * write-ahead log fsync'd by one thread as the {@link SyncMode} says. Memory is capped (see
 * {@code Tuning}); queues stay on disk.
 *
 * <p>Opening refuses, with a one-line {@link StoreException}: a folder held by another process
 * ({@link StoreException.Kind#LOCKED}), a store of another format or something that is not a store
 * ({@link StoreException.Kind#INCOMPATIBLE}), a damaged store ({@link StoreException.Kind#CORRUPT}).
 */
public final class RocksBrokerStore implements BrokerStore {

    private final Database d;

    private RocksBrokerStore(Database d) {
        this.d = d;
    }

    /**
     * Opens (or creates) the store of {@code settings} whose relative {@code dir} is relative to
     * {@code configFolder}.
     */
    public static RocksBrokerStore open(PersistenceSettings settings, Path configFolder) {
        return open(settings.folder(configFolder), settings.sync(), settings.syncInterval());
    }

    /**
     * Opens (or creates) the store in {@code folder}.
     *
     * @param sync         when the write-ahead log is fsync'd
     * @param syncInterval with {@link SyncMode#BATCH}: how often at most
     * @throws StoreException if the folder cannot hold this store now, saying why and what to do
     */
    public static RocksBrokerStore open(Path folder, SyncMode sync, Duration syncInterval) {
        return new RocksBrokerStore(Database.open(folder.toAbsolutePath().normalize(), sync, syncInterval));
    }

    /** The store's folder. */
    public Path folder() {
        return d.folder();
    }

    @Override
    public StoreBatch batch() {
        return new RocksBatch(d);
    }

    @Override
    public CompletionStage<Void> barrier() {
        return d.syncer().durable();
    }

    @Override
    public void recover(Consumer<RecoveredSession> each) {
        d.enter();
        try {
            new Recovery(d).run(each);
        } catch (CorruptRecordException e) {
            throw Failures.corrupt(d.folder(), e.getMessage(), e);
        } finally {
            d.exit();
        }
    }

    @Override
    public List<QueuedMessage> readQueue(SubscriberId id, QueueOrder order, long cursor, int maxMessages) {
        var slot = d.sessions().get(id);
        List<QueuedMessage> out = new ArrayList<>(Math.max(0, Math.min(maxMessages, 256)));
        if (slot == null || maxMessages <= 0) {
            return out;
        }
        long low = slot.ledger().low();
        try {
            if (order == QueueOrder.OLDEST_FIRST) {
                slot.queue().scan(Math.max(low, cursor + 1), Long.MAX_VALUE, it -> {
                    byte[] v = it.value();
                    out.add(new QueuedMessage(Keys.seqOf(it.key()), Records.queuedMessage(v), v));
                    return out.size() < maxMessages;
                });
            } else {
                slot.queue().scanBackwards(cursor, low, it -> {
                    byte[] v = it.value();
                    out.add(new QueuedMessage(Keys.seqOf(it.key()), Records.queuedMessage(v), v));
                    return out.size() < maxMessages;
                });
            }
        } catch (CorruptRecordException e) {
            throw Failures.corrupt(d.folder(), "queue of " + id + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public QueueSize queueSize(SubscriberId id) {
        var slot = d.sessions().get(id);
        return slot == null ? QueueSize.EMPTY : slot.ledger().size();
    }

    @Override
    public void retained(String mountpoint, String filter, Consumer<StoredMessage> each) {
        int wildcard = indexOfWildcard(filter);
        if (wildcard < 0) {
            byte[] v = d.get(Column.RETAINED, Keys.named(mountpoint, filter));
            if (v != null) {
                each.accept(decode(v));
            }
            return;
        }
        // Only the topics that start with the filter's levels before its first wildcard are read;
        // "a/#" also matches "a" itself, so its prefix is "a".
        String literal = filter.substring(0, wildcard);
        if (literal.endsWith("/")) {
            literal = literal.substring(0, literal.length() - 1);
        }
        scan(Column.RETAINED, Keys.named(mountpoint, literal), (k, v) -> {
            if (SubscriptionTree.matches(filter, Keys.restOf(k))) {
                each.accept(decode(v));
            }
        });
    }

    private static int indexOfWildcard(String filter) {
        int plus = filter.indexOf('+');
        int hash = filter.indexOf('#');
        return plus < 0 ? hash : hash < 0 ? plus : Math.min(plus, hash);
    }

    @Override
    public void forEachRetained(BiConsumer<String, StoredMessage> each) {
        scan(Column.RETAINED, new byte[0], (k, v) -> each.accept(Keys.nameOf(k), decode(v)));
    }

    @Override
    public void forEachKv(String table, BiConsumer<String, byte[]> each) {
        scan(Column.KV, Keys.named(table, ""), (k, v) -> each.accept(Keys.restOf(k), v));
    }

    private StoredMessage decode(byte[] v) {
        try {
            return Records.message(v);
        } catch (CorruptRecordException e) {
            throw Failures.corrupt(d.folder(), "retained message: " + e.getMessage(), e);
        }
    }

    /** Visits every key of {@code c} that starts with {@code prefix}, in order. */
    private void scan(Column c, byte[] prefix, BiConsumer<byte[], byte[]> each) {
        byte[] end = Keys.prefixEnd(prefix);
        d.enter();
        try (Slice bound = end == null ? null : new Slice(end);
             ReadOptions ro = new ReadOptions();
             RocksIterator it = d.db().newIterator(d.handle(c), bound == null ? ro : ro.setIterateUpperBound(bound))) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                each.accept(it.key(), it.value());
            }
            d.check(it, "reading " + c.familyName());
        } finally {
            d.exit();
        }
    }

    @Override
    public StoreMetrics metrics() {
        return new StoreMetrics(diskBytes(), d.totals().messages(), d.totals().bytes(), d.writes(), d.syncs());
    }

    @Override
    public void reportLatencies(StoreLatencies latencies) {
        d.reportLatencies(latencies);
    }

    private long diskBytes() {
        try (Stream<Path> files = Files.list(d.folder())) {
            return files.mapToLong(f -> {
                try {
                    return Files.isRegularFile(f) ? Files.size(f) : 0;
                } catch (IOException e) {
                    // Deleted by a compaction meanwhile.
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Writes a consistent copy of the store to {@code target} (a folder that does not exist yet)
     * while the broker runs: hard links to the table files where the file system allows, so it is
     * quick and small. The copy opens as a store of its own.
     */
    public void checkpoint(Path target) {
        d.enter();
        try (Checkpoint cp = Checkpoint.create(d.db())) {
            cp.createCheckpoint(target.toAbsolutePath().toString());
        } catch (RocksDBException e) {
            throw Failures.of(d.folder(), "writing a checkpoint to " + target, e);
        } finally {
            d.exit();
        }
    }

    @Override
    public void close() {
        d.close();
    }
}
