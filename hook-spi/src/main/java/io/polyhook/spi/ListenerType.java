package io.polyhook.spi;

/**
 * The transport of a listener, named as vmq_diversity names it to scripts.
 *
 * @since 0.1
 */
public enum ListenerType {
    /**
     * Plain TCP.
     *
     * @since 0.1
     */
    MQTT("mqtt"),
    /**
     * TLS over TCP.
     *
     * @since 0.1
     */
    MQTTS("mqtts"),
    /**
     * WebSocket.
     *
     * @since 0.1
     */
    MQTTWS("mqttws"),
    /**
     * WebSocket over TLS.
     *
     * @since 0.1
     */
    MQTTWSS("mqttwss");

    private final String scriptName;

    ListenerType(String scriptName) {
        this.scriptName = scriptName;
    }

    /**
     * The name scripts see in {@code listener_type}: {@code mqtt}, {@code mqtts}, ...
     *
     * @since 0.1
     */
    public String scriptName() {
        return scriptName;
    }
}
