package io.polyhook.broker.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code logging} section, applied by {@code polyhook run} (an embedding application keeps
 * its own logging).
 *
 * @param format text lines, or JSON lines (logback's {@code JsonEncoder}) on every appender
 * @param config a logback configuration file to use instead of the bundled one, resolved
 *               against the config file's folder
 * @param levels a level per logger name ({@code root} for the root logger), in file order
 */
public record LoggingConfig(Format format, Optional<String> config, Map<String, String> levels) {

    /** The logger name that stands for the root logger in {@code logging.level}. */
    public static final String ROOT = "root";

    /** The levels {@code logging.level} takes. */
    public static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    /** Text lines, the bundled logback configuration, no level changed. */
    public static final LoggingConfig DEFAULT = new LoggingConfig(Format.TEXT, Optional.empty(), Map.of());

    /** How log lines are written. */
    public enum Format {
        /** One line of text per event, with the date (the logback configuration's pattern). */
        TEXT,
        /** One JSON object per line (logback's {@code JsonEncoder}), for log collectors. */
        JSON
    }

    /** Checks every field is present; copies the levels, keeping their order. */
    public LoggingConfig {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(config, "config");
        levels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(levels));
    }
}
