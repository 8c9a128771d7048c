package io.polyhook.store.rocksdb.internal;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.TablePropertiesCollectorFactory;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBufferManager;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The RocksDB options of the store, with the memory they may take. Native memory is capped by
 * one block cache that also accounts for the write buffers (memtables):
 *
 * <ul>
 *   <li>block cache {@value #BLOCK_CACHE_MB} MB (LRU), index and filter blocks included;</li>
 *   <li>write buffers {@value #WRITE_BUFFERS_MB} MB in total across all column families, charged to the
 *       cache, so the two together stay near {@value #BLOCK_CACHE_MB} MB plus one memtable being flushed;</li>
 *   <li>at most {@value #MAX_OPEN_FILES} open table files; the write-ahead log is cut at
 *       {@value #MAX_WAL_MB} MB by flushing the families that hold it back.</li>
 * </ul>
 *
 * <p>The queue family follows RocksDB's guidance for queue services: consumed heads are deleted
 * (point deletes for single messages, range deletes for runs) and a
 * {@code CompactOnDeletionCollector} compacts files that are mostly deletions, so that reading
 * from the head does not walk over tombstones; reads are bounded above by the next session's key.
 */
public final class Tuning implements AutoCloseable {

    /** The block cache, in MB. */
    public static final int BLOCK_CACHE_MB = 64;
    /** All write buffers together, in MB. */
    public static final int WRITE_BUFFERS_MB = 32;
    /** One queue memtable, in MB. */
    public static final int QUEUE_WRITE_BUFFER_MB = 16;
    /** One memtable of the other families, in MB. */
    public static final int OTHER_WRITE_BUFFER_MB = 4;
    /** Open table files at most. */
    public static final int MAX_OPEN_FILES = 512;
    /** The write-ahead log's size before old memtables are flushed, in MB. */
    public static final int MAX_WAL_MB = 128;
    /** CompactOnDeletionCollector: the window of entries looked at, and how many deletions in it trigger. */
    public static final int DELETION_WINDOW = 10_000;
    /** See {@link #DELETION_WINDOW}. */
    public static final int DELETION_TRIGGER = 5_000;

    private static final long MB = 1024L * 1024;

    private final Cache cache = new LRUCache(BLOCK_CACHE_MB * MB);
    private final WriteBufferManager writeBuffers = new WriteBufferManager(WRITE_BUFFERS_MB * MB, cache);
    private final BloomFilter bloom = new BloomFilter(10);
    private final UInt64AddOperator add = new UInt64AddOperator();
    private final TablePropertiesCollectorFactory deletions =
            TablePropertiesCollectorFactory.NewCompactOnDeletionCollectorFactory(DELETION_WINDOW, DELETION_TRIGGER, 0.5);
    private final DBOptions db;
    private final Map<Column, ColumnFamilyOptions> families = new EnumMap<>(Column.class);
    private final List<Options> templates = new ArrayList<>();

    /** Options for a store; closed with it. */
    public Tuning() {
        db = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setParanoidChecks(true)
                // A kill -9 may leave a half-written record at the log's end; any other damage refuses the start.
                .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords)
                .setWriteBufferManager(writeBuffers)
                .setMaxOpenFiles(MAX_OPEN_FILES)
                .setMaxTotalWalSize(MAX_WAL_MB * MB)
                .setMaxBackgroundJobs(2)
                .setBytesPerSync(MB)
                .setKeepLogFileNum(3)
                .setMaxLogFileSize(8 * MB);
        for (Column c : Column.values()) {
            families.put(c, family(c));
        }
    }

    private ColumnFamilyOptions family(Column c) {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setFilterPolicy(bloom)
                .setBlockSize(c.isQueue() ? 16 * 1024 : 4 * 1024);
        // Built as Options and copied: RocksJava sets table-properties collectors on Options only.
        Options o = new Options()
                .setTableFormatConfig(table)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setWriteBufferSize((c.isQueue() ? QUEUE_WRITE_BUFFER_MB : OTHER_WRITE_BUFFER_MB) * MB)
                .setMaxWriteBufferNumber(c.isQueue() ? 3 : 2);
        if (c.isQueue()) {
            o.setTablePropertiesCollectorFactory(List.of(deletions));
        }
        if (c == Column.QUEUE_SIZES) {
            o.setMergeOperator(add);
        }
        templates.add(o);
        return new ColumnFamilyOptions(o);
    }

    /** The database options. */
    public DBOptions db() {
        return db;
    }

    /** The options of one family. */
    public ColumnFamilyOptions options(Column c) {
        return families.get(c);
    }

    /** Every family's options, in {@link Column} order. */
    public List<ColumnFamilyOptions> families() {
        return new ArrayList<>(families.values());
    }

    @Override
    public void close() {
        families.values().forEach(ColumnFamilyOptions::close);
        templates.forEach(Options::close);
        db.close();
        deletions.close();
        add.close();
        bloom.close();
        writeBuffers.close();
        cache.close();
    }
}
