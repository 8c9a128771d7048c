package io.polyhook.broker.config;

import java.util.Optional;

/**
 * How durable a committed change is when the broker acknowledges it ({@code persistence.sync}).
 * In every mode a change is in the write-ahead log before its commit returns, so a crash of the
 * broker's process loses nothing acknowledged; the modes differ in what a power cut or an
 * operating-system crash may lose.
 */
public enum SyncMode {
    /** The log is fsync'd at most every {@code sync_interval}: a power cut loses at most that interval. */
    BATCH("batch"),
    /** The log is fsync'd before the acknowledgement; one fsync covers every change committed meanwhile. */
    ALWAYS("always"),
    /** The log is never fsync'd by the broker: the operating system writes it back when it will. */
    NONE("none");

    private final String configName;

    SyncMode(String configName) {
        this.configName = configName;
    }

    /** The value of {@code persistence.sync}. */
    public String configName() {
        return configName;
    }

    /** The mode a config value names. */
    public static Optional<SyncMode> of(String configName) {
        for (SyncMode m : values()) {
            if (m.configName.equals(configName)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
