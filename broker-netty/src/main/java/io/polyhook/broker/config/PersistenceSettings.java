package io.polyhook.broker.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code persistence} section of the config file.
 *
 * <pre>{@code
 * persistence:
 *   enabled: true        # false: sessions, queues and retained messages live in memory only
 *   dir: data            # relative to the config file's folder (the working folder without one)
 *   sync: batch          # batch | always | none, see SyncMode
 *   sync_interval: 10ms  # batch: the longest time between two fsyncs of the write-ahead log
 * }</pre>
 *
 * @param enabled      whether the broker keeps its state on disk
 * @param dir          the store's folder as written in the config (relative or absolute)
 * @param sync         the durability of an acknowledged change
 * @param syncInterval with {@link SyncMode#BATCH}: the longest time between two fsyncs
 */
public record PersistenceSettings(boolean enabled, Path dir, SyncMode sync, Duration syncInterval) {

    /** Enabled, in {@code data}, {@code batch} every 10 ms. */
    public static final PersistenceSettings DEFAULT =
            new PersistenceSettings(true, Path.of("data"), SyncMode.BATCH, Duration.ofMillis(10));

    /** {@code enabled: false}: everything in memory, lost at a restart. */
    public static final PersistenceSettings DISABLED =
            new PersistenceSettings(false, Path.of("data"), SyncMode.BATCH, Duration.ofMillis(10));

    /** Checks every field is present and the interval positive. */
    public PersistenceSettings {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(syncInterval, "syncInterval");
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("syncInterval must be positive, was " + syncInterval);
        }
    }

    /**
     * The folder of the store: {@link #dir()} resolved against {@code configFolder}, the folder of
     * the config file (the working folder when the broker runs without one).
     */
    public Path folder(Path configFolder) {
        return configFolder.resolve(dir).toAbsolutePath().normalize();
    }

    /** These settings in another folder. */
    public PersistenceSettings withDir(Path other) {
        return new PersistenceSettings(enabled, other, sync, syncInterval);
    }

    /** These settings with another sync mode. */
    public PersistenceSettings withSync(SyncMode mode) {
        return new PersistenceSettings(enabled, dir, mode, syncInterval);
    }
}
