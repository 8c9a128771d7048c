package io.polyhook.spi;

import java.util.Objects;

/**
 * One MQTT 5 user property. A packet may carry several with the same key; their order matters.
 *
 * @param key   the property name
 * @param value the property value
 * @since 0.1
 */
public record UserProperty(String key, String value) {
    /**
     * Checks both parts are present.
     *
     * @since 0.1
     */
    public UserProperty {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
