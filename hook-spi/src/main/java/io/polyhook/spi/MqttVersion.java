package io.polyhook.spi;

/**
 * The MQTT protocol version a client connected with.
 *
 * @since 0.1
 */
public enum MqttVersion {
    /**
     * MQTT 3.1 (protocol level 3).
     *
     * @since 0.1
     */
    V3_1(3),
    /**
     * MQTT 3.1.1 (protocol level 4).
     *
     * @since 0.1
     */
    V3_1_1(4),
    /**
     * MQTT 5.0 (protocol level 5).
     *
     * @since 0.1
     */
    V5(5);

    private final int level;

    MqttVersion(int level) {
        this.level = level;
    }

    /**
     * The protocol level byte of the CONNECT packet.
     *
     * @since 0.1
     */
    public int level() {
        return level;
    }

    /**
     * Whether this is MQTT 5, whose clients are served by the {@code _m5} hook points.
     *
     * @since 0.1
     */
    public boolean isMqtt5() {
        return this == V5;
    }

    /**
     * Returns the version for a CONNECT protocol level byte.
     *
     * @since 0.1
     */
    public static MqttVersion ofLevel(int level) {
        for (MqttVersion v : values()) {
            if (v.level == level) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown MQTT protocol level " + level);
    }
}
