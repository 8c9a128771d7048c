package io.polyhook.store.rocksdb;

import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.QueueOrder;
import io.polyhook.broker.store.StoreException;
import io.polyhook.broker.config.SyncMode;
import io.polyhook.spi.SubscriberId;
import io.polyhook.store.rocksdb.internal.Column;
import io.polyhook.store.rocksdb.internal.Tuning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.TableProperties;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.polyhook.store.rocksdb.Fixtures.commit;
import static io.polyhook.store.rocksdb.Fixtures.id;
import static io.polyhook.store.rocksdb.Fixtures.message;
import static io.polyhook.store.rocksdb.Fixtures.payloads;
import static io.polyhook.store.rocksdb.Fixtures.readAll;
import static io.polyhook.store.rocksdb.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the store does with its folder: one owner at a time, its own format only, no start on damage. */
class StoreFolderTest {

    @TempDir
    Path dir;

    private Path folder() {
        return dir.resolve("store");
    }

    private RocksBrokerStore open() {
        return RocksBrokerStore.open(folder(), SyncMode.BATCH, Duration.ofMillis(10));
    }

    /** A store with one session and three queued messages, closed. */
    private void storeWithAQueue() {
        try (RocksBrokerStore store = open()) {
            SubscriberId id = id("c");
            commit(store, b -> b.putSession(session(id)));
            commit(store, b -> {
                for (int i = 0; i < 3; i++) {
                    b.append(id, message("t", "m" + i), QueueLimits.NONE);
                }
            });
        }
    }

    private static void assertRefused(Runnable open, StoreException.Kind kind, Path folder, String says) {
        assertThatThrownBy(open::run).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).startsWith("persistence store " + folder + ": ").contains(says)
                    .doesNotContain("\n");
        });
    }

    @Test
    void aSecondStoreInTheSameProcessIsRefusedAndTheFirstGoesOn() {
        try (RocksBrokerStore first = open()) {
            assertRefused(this::open, StoreException.Kind.LOCKED, folder(), "in use by another broker");
            commit(first, b -> b.putSession(session(id("still"))));
            List<SubscriberId> ids = new ArrayList<>();
            first.recover(r -> ids.add(r.session().id()));
            assertThat(ids).containsExactly(id("still"));
        }
    }

    @Test
    void aStoreHeldByAnotherProcessIsRefusedUntilItLetsGo() throws Exception {
        storeWithAQueue();
        try (ChildJvm holder = new ChildJvm(dir.resolve("report.txt"), "hold", folder().toString())) {
            assertThat(holder.await("OPEN", 60)).isTrue();
            assertRefused(this::open, StoreException.Kind.LOCKED, folder(), "stop that broker, or give this one another persistence.dir");
            assertThat(holder.release()).isZero();
        }
        try (RocksBrokerStore store = open()) {
            assertThat(payloads(readAll(store, id("c"), QueueOrder.OLDEST_FIRST, 10))).containsExactly("m0", "m1", "m2");
        }
    }

    @Test
    void aFolderWithOtherFilesIsNotTakenOver() throws IOException {
        Files.createDirectories(folder());
        Files.writeString(folder().resolve("notes.txt"), "mine");
        assertRefused(this::open, StoreException.Kind.INCOMPATIBLE, folder(), "holds no Polyhook store");
        assertThat(Files.readString(folder().resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    void aStoreOfAnotherFormatIsRefusedWithWhatToDo() throws Exception {
        storeWithAQueue();
        raw((db, handles) -> put(db, handles.get(0), "polyhook.store.format", "2"));
        assertRefused(this::open, StoreException.Kind.INCOMPATIBLE, folder(),
                "holds a store of format 2, this broker reads format 1: run the broker version that wrote it, or move the folder aside");
    }

    @Test
    void aStoreWithFamiliesOfANewerBrokerIsRefused() throws Exception {
        storeWithAQueue();
        raw((db, handles) -> {
            try (ColumnFamilyOptions o = new ColumnFamilyOptions()) {
                db.createColumnFamily(new ColumnFamilyDescriptor("sessions_v2".getBytes(StandardCharsets.UTF_8), o)).close();
            }
        });
        assertRefused(this::open, StoreException.Kind.INCOMPATIBLE, folder(), "column families this broker does not know [sessions_v2]");
    }

    @Test
    void aRocksDbDatabaseOfSomeoneElseIsRefused() throws Exception {
        try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, folder().toString())) {
            db.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
        }
        assertRefused(this::open, StoreException.Kind.INCOMPATIBLE, folder(), "without a Polyhook format record");
    }

    @Test
    void aDamagedRecordRefusesTheStartAndIsLeftAsItIs() throws Exception {
        storeWithAQueue();
        raw((db, handles) -> db.put(handles.get(Column.SESSIONS.ordinal()), new byte[8], new byte[] {1, 2, 3}));
        assertRefused(this::open, StoreException.Kind.CORRUPT, folder(), "is damaged");
        assertRefused(this::open, StoreException.Kind.CORRUPT, folder(), "restore the folder from a backup, or move it aside");
    }

    @Test
    void aDamagedTableFileRefusesTheStart() throws Exception {
        storeWithAQueue();
        List<Path> tables;
        try (Stream<Path> files = Files.list(folder())) {
            tables = files.filter(f -> f.toString().endsWith(".sst")).toList();
        }
        assertThat(tables).as("the clean shutdown flushed the memtables to table files").isNotEmpty();
        for (Path t : tables) {
            try (RandomAccessFile f = new RandomAccessFile(t.toFile(), "rw")) {
                // The data blocks come first; a few bytes in, every table's first block is hit.
                for (int i = 8; i < Math.min(f.length() / 2, 64); i++) {
                    f.seek(i);
                    f.write(~f.readByte() & 0xFF);
                }
            }
        }
        assertRefused(this::open, StoreException.Kind.CORRUPT, folder(), "is damaged");
    }

    @Test
    void aDamagedManifestRefusesTheStart() throws Exception {
        storeWithAQueue();
        Path manifest;
        try (Stream<Path> files = Files.list(folder())) {
            manifest = files.filter(f -> f.getFileName().toString().startsWith("MANIFEST-")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(manifest);
        for (int i = 10; i < bytes.length - 10; i += 7) {
            bytes[i] ^= 0x5A;
        }
        Files.write(manifest, bytes);
        assertRefused(this::open, StoreException.Kind.CORRUPT, folder(), "is damaged");
    }

    @Test
    void aCheckpointOpensAsAStoreOfItsOwn() {
        storeWithAQueue();
        Path copy = dir.resolve("backup");
        try (RocksBrokerStore store = open()) {
            store.checkpoint(copy);
            commit(store, b -> b.append(id("c"), message("t", "after the checkpoint"), QueueLimits.NONE));
        }
        try (RocksBrokerStore backup = RocksBrokerStore.open(copy, SyncMode.BATCH, Duration.ofMillis(10))) {
            assertThat(payloads(readAll(backup, id("c"), QueueOrder.OLDEST_FIRST, 10))).containsExactly("m0", "m1", "m2");
        }
    }

    @Test
    void queueTablesCarryTheCompactOnDeletionCollector() throws Exception {
        storeWithAQueue();
        raw((db, handles) -> {
            Map<String, TableProperties> tables = db.getPropertiesOfAllTables(handles.get(Column.QUEUES.ordinal()));
            assertThat(tables).isNotEmpty();
            assertThat(tables.values()).allSatisfy(t ->
                    assertThat(t.getPropertyCollectorsNames()).contains("CompactOnDeletionCollector"));
        });
    }

    @Test
    void theBrokerFindsThisEngineOrStaysInMemory() {
        var settings = io.polyhook.broker.config.PersistenceSettings.DEFAULT.withDir(Path.of("found"));
        try (var store = io.polyhook.broker.store.BrokerStoreFactory.forSettings(settings, dir)) {
            assertThat(store).isInstanceOf(RocksBrokerStore.class);
        }
        var memory = new io.polyhook.broker.config.PersistenceSettings(false, Path.of("unused"), SyncMode.BATCH,
                Duration.ofMillis(10));
        try (var store = io.polyhook.broker.store.BrokerStoreFactory.forSettings(memory, dir)) {
            assertThat(store).isInstanceOf(io.polyhook.broker.store.InMemoryBrokerStore.class);
        }
        assertThat(dir.resolve("unused")).doesNotExist();
    }

    @Test
    void theFolderIsTakenRelativeToTheConfigFolder() {
        var settings = io.polyhook.broker.config.PersistenceSettings.DEFAULT.withDir(Path.of("state"));
        try (RocksBrokerStore store = RocksBrokerStore.open(settings, dir)) {
            assertThat(store.folder()).isEqualTo(dir.resolve("state").toAbsolutePath());
            assertThat(Files.exists(dir.resolve("state").resolve("CURRENT"))).isTrue();
        }
    }

    /** Opens the folder with RocksDB itself, with the store's families and options, as a tool would. */
    private void raw(RawChange change) throws Exception {
        try (Tuning tuning = new Tuning()) {
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (Column c : Column.values()) {
                descriptors.add(new ColumnFamilyDescriptor(c.nameBytes(), tuning.options(c)));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (RocksDB db = RocksDB.open(tuning.db(), folder().toString(), descriptors, handles)) {
                change.apply(db, handles);
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
    }

    private static void put(RocksDB db, ColumnFamilyHandle cf, String key, String value) throws RocksDBException {
        db.put(cf, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    @FunctionalInterface
    private interface RawChange {
        void apply(RocksDB db, List<ColumnFamilyHandle> handles) throws Exception;
    }

}
