package io.polyhook.spi;

/**
 * MQTT 5 retain handling of a subscription: when retained messages are sent on subscribe.
 *
 * @since 0.1
 */
public enum RetainHandling {
    /**
     * 0: send retained messages at the time of the subscribe.
     *
     * @since 0.1
     */
    SEND_RETAIN("send_retain"),
    /**
     * 1: send them only if the subscription did not exist yet.
     *
     * @since 0.1
     */
    SEND_IF_NEW_SUB("send_if_new_sub"),
    /**
     * 2: do not send retained messages on subscribe.
     *
     * @since 0.1
     */
    DONT_SEND("dont_send");

    private final String scriptName;

    RetainHandling(String scriptName) {
        this.scriptName = scriptName;
    }

    /**
     * The name scripts see: {@code send_retain}, {@code send_if_new_sub}, {@code dont_send}.
     *
     * @since 0.1
     */
    public String scriptName() {
        return scriptName;
    }

    /**
     * The two-bit value in the SUBSCRIBE options byte.
     *
     * @since 0.1
     */
    public int value() {
        return ordinal();
    }

    /**
     * Returns the constant for a script name; throws for an unknown one.
     *
     * @since 0.1
     */
    public static RetainHandling ofScriptName(String name) {
        for (RetainHandling r : values()) {
            if (r.scriptName.equals(name)) {
                return r;
            }
        }
        throw new InvalidModifierException("retain_handling", name,
                "must be send_retain, send_if_new_sub or dont_send");
    }
}
