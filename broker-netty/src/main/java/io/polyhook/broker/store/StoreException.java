package io.polyhook.broker.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The store cannot do what was asked. The message is one line that names the store's folder and
 * says what to do; it never carries payloads or credentials.
 */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, for callers that react differently (refuse to start, disconnect, retry). */
    public enum Kind {
        /** Another process (or another store in this one) holds the folder. */
        LOCKED,
        /** The folder holds a store of another format version, or something that is not a store. */
        INCOMPATIBLE,
        /** A record or a file of the store cannot be read back: the store refuses to start. */
        CORRUPT,
        /** The disk is full: the change was not made, nothing acknowledged before it is lost. */
        DISK_FULL,
        /** Any other I/O error of the store. */
        IO,
        /** The store was closed. */
        CLOSED
    }

    private final Kind kind;
    private final transient Path folder;

    /**
     * @param kind   what went wrong
     * @param folder the store's folder
     * @param what   one line: what happened and what to do, without the folder (it is prefixed)
     */
    public StoreException(Kind kind, Path folder, String what) {
        this(kind, folder, what, null);
    }

    /** As {@link #StoreException(Kind, Path, String)}, with the underlying error. */
    public StoreException(Kind kind, Path folder, String what, Throwable cause) {
        super("persistence store " + folder + ": " + what, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.folder = folder;
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** The store's folder. */
    public Path folder() {
        return folder;
    }
}
