package io.polyhook.spi;

/** The MQTT 5 payload format indicator. */
public enum PayloadFormat {
    /**
     * Unspecified bytes (indicator 0). Scripts name it {@code "undefined"}; returned as a
     * modifier it clears the indicator of the message.
     */
    UNSPECIFIED("undefined"),
    /** UTF-8 encoded character data (indicator 1); scripts name it {@code "utf8"}. */
    UTF8("utf8");

    private final String scriptName;

    PayloadFormat(String scriptName) {
        this.scriptName = scriptName;
    }

    /** The name scripts see and return: {@code "utf8"} or {@code "undefined"}. */
    public String scriptName() {
        return scriptName;
    }

    /** The value of the indicator byte on the wire. */
    public int indicator() {
        return ordinal();
    }
}
