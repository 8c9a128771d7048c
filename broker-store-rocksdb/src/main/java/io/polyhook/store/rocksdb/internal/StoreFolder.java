package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.store.StoreException;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The checks before and right after opening: that the folder is usable, holds a store of this
 * format (or nothing yet), and only column families this broker knows.
 */
final class StoreFolder {

    /** The format of the store's keys and records; a broker refuses a store of another. */
    static final int FORMAT = 1;
    private static final byte[] FORMAT_KEY = "polyhook.store.format".getBytes(StandardCharsets.UTF_8);

    private StoreFolder() {
    }

    /**
     * Creates the folder if needed; returns whether it already holds a store.
     *
     * @throws StoreException if it holds something else, or its families are not the store's
     */
    static boolean prepare(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new StoreException(StoreException.Kind.IO, folder, "cannot create the folder (" + e
                    + "): check persistence.dir and its permissions", e);
        }
        if (!Files.isWritable(folder)) {
            throw new StoreException(StoreException.Kind.IO, folder, "the folder is not writable: check its permissions");
        }
        if (!Files.exists(folder.resolve("CURRENT"))) {
            try (Stream<Path> entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new StoreException(StoreException.Kind.INCOMPATIBLE, folder, "the folder is not empty and holds"
                            + " no Polyhook store: give persistence.dir an empty or new folder");
                }
            } catch (IOException e) {
                throw new StoreException(StoreException.Kind.IO, folder, "cannot list the folder: " + e, e);
            }
            return false;
        }
        List<String> unknown = new ArrayList<>();
        try (Options o = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(o, folder.toString())) {
                String n = new String(name, StandardCharsets.UTF_8);
                if (Column.ofFamilyName(n) == null) {
                    unknown.add(n);
                }
            }
        } catch (RocksDBException e) {
            throw Failures.of(folder, "reading the store's manifest", e);
        }
        if (!unknown.isEmpty()) {
            throw new StoreException(StoreException.Kind.INCOMPATIBLE, folder, "holds column families this broker does"
                    + " not know " + unknown + " (a newer broker's store?): run the broker version that wrote it, or"
                    + " move the folder aside to start with an empty store");
        }
        return true;
    }

    /** Writes the format record into a new store; refuses a store of another format. */
    static void checkFormat(Path folder, RocksDB db, ColumnFamilyHandle meta, boolean existing) {
        byte[] v;
        try {
            v = db.get(meta, FORMAT_KEY);
            if (v == null && !existing) {
                db.put(meta, FORMAT_KEY, Integer.toString(FORMAT).getBytes(StandardCharsets.US_ASCII));
                db.syncWal();
                return;
            }
        } catch (RocksDBException e) {
            throw Failures.of(folder, "reading the format record", e);
        }
        if (v == null) {
            throw new StoreException(StoreException.Kind.INCOMPATIBLE, folder, "holds a RocksDB database without a"
                    + " Polyhook format record: give persistence.dir a folder of its own");
        }
        String found = new String(v, StandardCharsets.US_ASCII);
        if (!found.equals(Integer.toString(FORMAT))) {
            throw new StoreException(StoreException.Kind.INCOMPATIBLE, folder, "holds a store of format " + found
                    + ", this broker reads format " + FORMAT + ": run the broker version that wrote it, or move the"
                    + " folder aside to start with an empty store");
        }
    }
}
