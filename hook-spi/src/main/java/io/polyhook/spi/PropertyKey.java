package io.polyhook.spi;

/**
 * The MQTT 5 properties a hook can see or set, with the {@code p_*} names scripts use for them.
 *
 * @since 0.1
 */
public enum PropertyKey {
    /**
     * Session Expiry Interval (seconds).
     *
     * @since 0.1
     */
    SESSION_EXPIRY_INTERVAL("p_session_expiry_interval"),
    /**
     * Receive Maximum.
     *
     * @since 0.1
     */
    RECEIVE_MAXIMUM("p_receive_max"),
    /**
     * Topic Alias Maximum.
     *
     * @since 0.1
     */
    TOPIC_ALIAS_MAXIMUM("p_topic_alias_max"),
    /**
     * Maximum Packet Size.
     *
     * @since 0.1
     */
    MAXIMUM_PACKET_SIZE("p_max_packet_size"),
    /**
     * Request Response Information.
     *
     * @since 0.1
     */
    REQUEST_RESPONSE_INFORMATION("p_request_response_info"),
    /**
     * Request Problem Information.
     *
     * @since 0.1
     */
    REQUEST_PROBLEM_INFORMATION("p_request_problem_info"),
    /**
     * User Properties, ordered, duplicates kept.
     *
     * @since 0.1
     */
    USER_PROPERTY("p_user_property"),
    /**
     * Payload Format Indicator.
     *
     * @since 0.1
     */
    PAYLOAD_FORMAT_INDICATOR("p_payload_format_indicator"),
    /**
     * Message Expiry Interval (seconds).
     *
     * @since 0.1
     */
    MESSAGE_EXPIRY_INTERVAL("p_message_expiry_interval"),
    /**
     * Content Type.
     *
     * @since 0.1
     */
    CONTENT_TYPE("p_content_type"),
    /**
     * Response Topic.
     *
     * @since 0.1
     */
    RESPONSE_TOPIC("p_response_topic"),
    /**
     * Correlation Data.
     *
     * @since 0.1
     */
    CORRELATION_DATA("p_correlation_data"),
    /**
     * Topic Alias.
     *
     * @since 0.1
     */
    TOPIC_ALIAS("p_topic_alias"),
    /**
     * Subscription Identifiers.
     *
     * @since 0.1
     */
    SUBSCRIPTION_IDENTIFIER("p_subscription_id"),
    /**
     * Authentication Method.
     *
     * @since 0.1
     */
    AUTHENTICATION_METHOD("p_authentication_method"),
    /**
     * Authentication Data.
     *
     * @since 0.1
     */
    AUTHENTICATION_DATA("p_authentication_data"),
    /**
     * Will Delay Interval (seconds).
     *
     * @since 0.1
     */
    WILL_DELAY_INTERVAL("p_will_delay_interval");

    private final String scriptName;

    PropertyKey(String scriptName) {
        this.scriptName = scriptName;
    }

    /**
     * The key scripts use in a {@code properties} table: {@code p_content_type}, ...
     *
     * @since 0.1
     */
    public String scriptName() {
        return scriptName;
    }

    /**
     * Returns the key with the given script name, or {@code null} if there is none.
     *
     * @since 0.1
     */
    public static PropertyKey ofScriptName(String name) {
        for (PropertyKey k : values()) {
            if (k.scriptName.equals(name)) {
                return k;
            }
        }
        return null;
    }
}
