package io.polyhook.core.plugin.internal;

import java.util.regex.Pattern;

/** The rule for the names of a plugin's meters, checked the same way by every {@link io.polyhook.spi.PluginMetrics}. */
public final class MeterNames {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.]{0,99}");

    private MeterNames() {
    }

    /**
     * Returns {@code name} if it is a valid meter name: lower case letters, digits, {@code _} and
     * {@code .}, starting with a letter, at most 100 characters.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static String check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a valid meter name: '" + name
                    + "' (lower case letters, digits, _ and ., starting with a letter, at most 100 characters)");
        }
        return name;
    }
}
