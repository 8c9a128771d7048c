package io.polyhook.spi;

import java.nio.charset.StandardCharsets;

/**
 * Rules for MQTT topic names and topic filters (MQTT 3.1.1 §4.7, MQTT 5 §4.7), shared by the
 * broker, the engines and modifier validation so that one definition applies everywhere.
 *
 * @since 0.1
 */
public final class Topics {

    /**
     * The longest topic in UTF-8 bytes that fits an MQTT string.
     *
     * @since 0.1
     */
    public static final int MAX_LENGTH = 65_535;

    private Topics() {
    }

    /**
     * Whether {@code topic} may be published to: at least one character, no {@code +} or
     * {@code #}, no U+0000, at most {@link #MAX_LENGTH} UTF-8 bytes.
     *
     * @since 0.1
     */
    public static boolean isValidName(String topic) {
        if (topic == null || topic.isEmpty() || !fits(topic)) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#' || c == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code filter} may be subscribed to: at least one character, {@code +} only as a
     * whole level, {@code #} only as the whole last level, no U+0000, at most
     * {@link #MAX_LENGTH} UTF-8 bytes.
     *
     * @since 0.1
     */
    public static boolean isValidFilter(String filter) {
        if (filter == null || filter.isEmpty() || !fits(filter)) {
            return false;
        }
        int n = filter.length();
        for (int i = 0; i < n; i++) {
            char c = filter.charAt(i);
            if (c == 0) {
                return false;
            }
            boolean levelStart = i == 0 || filter.charAt(i - 1) == '/';
            boolean levelEnd = i == n - 1 || filter.charAt(i + 1) == '/';
            if (c == '+' && !(levelStart && levelEnd)) {
                return false;
            }
            if (c == '#' && !(levelStart && i == n - 1)) {
                return false;
            }
        }
        return true;
    }

    private static boolean fits(String s) {
        // Cheap bound first: a char never takes more than 3 UTF-8 bytes.
        return s.length() * 3 <= MAX_LENGTH || s.getBytes(StandardCharsets.UTF_8).length <= MAX_LENGTH;
    }
}
