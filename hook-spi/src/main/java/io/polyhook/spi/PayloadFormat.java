package io.polyhook.spi;

/**
 * The MQTT 5 payload format indicator.
 *
 * @since 0.1
 */
public enum PayloadFormat {
    /**
     * Unspecified bytes (indicator 0). Scripts name it {@code "undefined"}; returned as a
     * modifier it clears the indicator of the message.
     *
     * @since 0.1
     */
    UNSPECIFIED("undefined"),
    /**
     * UTF-8 encoded character data (indicator 1); scripts name it {@code "utf8"}.
     *
     * @since 0.1
     */
    UTF8("utf8");

    private final String scriptName;

    PayloadFormat(String scriptName) {
        this.scriptName = scriptName;
    }

    /**
     * The name scripts see and return: {@code "utf8"} or {@code "undefined"}.
     *
     * @since 0.1
     */
    public String scriptName() {
        return scriptName;
    }

    /**
     * The value of the indicator byte on the wire.
     *
     * @since 0.1
     */
    public int indicator() {
        return ordinal();
    }
}
