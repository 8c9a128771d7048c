package io.polyhook.broker.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads the {@code persistence} section of the YAML tree into {@link PersistenceSettings}, with
 * errors that name the key ({@code persistence.sync: unknown value "fast" (expected batch, always, none)}).
 * Kept apart from {@link ConfigParser} so that the store's contract has one owner; the parser
 * hands it the section's node.
 */
public final class PersistenceConfig {

    /** The section's name in the config file. */
    public static final String SECTION = "persistence";

    private static final Set<String> KEYS = Set.of("enabled", "dir", "sync", "sync_interval");

    private PersistenceConfig() {
    }

    /**
     * The settings of {@code section}, the node under {@code persistence} ({@code null} or missing:
     * the defaults).
     *
     * @throws ConfigException naming the key and the reason
     */
    public static PersistenceSettings parse(JsonNode section) {
        PersistenceSettings d = PersistenceSettings.DEFAULT;
        if (section == null || section.isNull() || section.isMissingNode()) {
            return d;
        }
        if (!section.isObject()) {
            throw new ConfigException(SECTION, "must be a map, was " + section.getNodeType().name().toLowerCase());
        }
        for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new ConfigException(SECTION + "." + key, "unknown key (expected one of dir, enabled, sync, sync_interval)");
            }
        }
        boolean enabled = d.enabled();
        JsonNode e = section.get("enabled");
        if (e != null && !e.isNull()) {
            if (!e.isBoolean()) {
                throw new ConfigException(SECTION + ".enabled", "must be true or false, was " + e);
            }
            enabled = e.booleanValue();
        }
        Path dir = d.dir();
        JsonNode n = section.get("dir");
        if (n != null && !n.isNull()) {
            if (!n.isTextual() || n.textValue().isBlank()) {
                throw new ConfigException(SECTION + ".dir", "must be a folder name, was " + n);
            }
            try {
                dir = Path.of(n.textValue());
            } catch (InvalidPathException x) {
                throw new ConfigException(SECTION + ".dir", "not a valid path: " + x.getReason());
            }
        }
        SyncMode sync = d.sync();
        JsonNode s = section.get("sync");
        if (s != null && !s.isNull()) {
            String v = s.asText();
            sync = SyncMode.of(s.isTextual() ? v : "").orElseThrow(() -> new ConfigException(SECTION + ".sync",
                    "unknown value \"" + v + "\" (expected batch, always, none)"));
        }
        Duration interval = d.syncInterval();
        JsonNode i = section.get("sync_interval");
        if (i != null && !i.isNull()) {
            interval = duration(i);
        }
        return new PersistenceSettings(enabled, dir, sync, interval);
    }

    private static Duration duration(JsonNode n) {
        String key = SECTION + ".sync_interval";
        Duration d = YamlValues.duration(n, key);
        if (d.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigException(key, "must be at most 1m, was " + n.asText());
        }
        return d;
    }
}
