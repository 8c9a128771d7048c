package io.polyhook.spi;

/** The MQTT protocol version a client connected with. */
public enum MqttVersion {
    /** MQTT 3.1 (protocol level 3). */
    V3_1(3),
    /** MQTT 3.1.1 (protocol level 4). */
    V3_1_1(4),
    /** MQTT 5.0 (protocol level 5). */
    V5(5);

    private final int level;

    MqttVersion(int level) {
        this.level = level;
    }

    /** The protocol level byte of the CONNECT packet. */
    public int level() {
        return level;
    }

    /** Whether this is MQTT 5, whose clients are served by the {@code _m5} hook points. */
    public boolean isMqtt5() {
        return this == V5;
    }

    /** Returns the version for a CONNECT protocol level byte. */
    public static MqttVersion ofLevel(int level) {
        for (MqttVersion v : values()) {
            if (v.level == level) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown MQTT protocol level " + level);
    }
}
