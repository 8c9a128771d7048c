package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.store.StoreException;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

import java.nio.file.Path;

/** Turns RocksDB's errors into one-line {@link StoreException}s that name the folder and say what to do. */
public final class Failures {

    private Failures() {
    }

    /** The store's error for {@code e}, raised while {@code doing} (e.g. "writing", "opening"). */
    public static StoreException of(Path folder, String doing, RocksDBException e) {
        Status s = e.getStatus();
        String detail = oneLine(e.getMessage());
        Status.Code code = s == null ? null : s.getCode();
        Status.SubCode sub = s == null ? null : s.getSubCode();
        if (sub == Status.SubCode.NoSpace || detail.contains("No space left") || detail.contains("Max allowed space")) {
            return diskFull(folder, doing, e);
        }
        if (code == Status.Code.Corruption) {
            return corrupt(folder, detail, e);
        }
        if (detail.contains("/LOCK") && detail.toLowerCase(java.util.Locale.ROOT).contains("lock")) {
            return new StoreException(StoreException.Kind.LOCKED, folder, "is in use by another broker process (its LOCK"
                    + " file is held): stop that broker, or give this one another persistence.dir", e);
        }
        return new StoreException(StoreException.Kind.IO, folder, "I/O error " + doing + ": " + detail, e);
    }

    /** The disk is full. */
    public static StoreException diskFull(Path folder, String doing, Throwable e) {
        return new StoreException(StoreException.Kind.DISK_FULL, folder, "the disk is full (" + doing
                + " failed, no space left): free space and restart the broker; nothing acknowledged was lost", e);
    }

    /** A damaged store. */
    public static StoreException corrupt(Path folder, String detail, Throwable e) {
        return new StoreException(StoreException.Kind.CORRUPT, folder, "is damaged (" + oneLine(detail) + "): the broker"
                + " will not start on it rather than drop sessions; restore the folder from a backup, or move it aside"
                + " to start with an empty store", e);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
