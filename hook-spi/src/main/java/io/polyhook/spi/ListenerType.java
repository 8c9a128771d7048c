package io.polyhook.spi;

/** The transport of a listener, named as vmq_diversity names it to scripts. */
public enum ListenerType {
    /** Plain TCP. */
    MQTT("mqtt"),
    /** TLS over TCP. */
    MQTTS("mqtts"),
    /** WebSocket. */
    MQTTWS("mqttws"),
    /** WebSocket over TLS. */
    MQTTWSS("mqttwss");

    private final String scriptName;

    ListenerType(String scriptName) {
        this.scriptName = scriptName;
    }

    /** The name scripts see in {@code listener_type}: {@code mqtt}, {@code mqtts}, ... */
    public String scriptName() {
        return scriptName;
    }
}
