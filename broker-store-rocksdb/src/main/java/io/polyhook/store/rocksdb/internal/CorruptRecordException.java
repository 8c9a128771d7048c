package io.polyhook.store.rocksdb.internal;

/** A record that cannot be decoded; turned into a {@code StoreException} of kind CORRUPT with the folder. */
public final class CorruptRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CorruptRecordException(String what) {
        super(what);
    }

    CorruptRecordException(String what, Throwable cause) {
        super(what, cause);
    }
}
