package io.polyhook.spi;

/**
 * The MQTT 5 properties a hook can see or set, with the {@code p_*} names scripts use for them.
 */
public enum PropertyKey {
    /** Session Expiry Interval (seconds). */
    SESSION_EXPIRY_INTERVAL("p_session_expiry_interval"),
    /** Receive Maximum. */
    RECEIVE_MAXIMUM("p_receive_max"),
    /** Topic Alias Maximum. */
    TOPIC_ALIAS_MAXIMUM("p_topic_alias_max"),
    /** Maximum Packet Size. */
    MAXIMUM_PACKET_SIZE("p_max_packet_size"),
    /** Request Response Information. */
    REQUEST_RESPONSE_INFORMATION("p_request_response_info"),
    /** Request Problem Information. */
    REQUEST_PROBLEM_INFORMATION("p_request_problem_info"),
    /** User Properties, ordered, duplicates kept. */
    USER_PROPERTY("p_user_property"),
    /** Payload Format Indicator. */
    PAYLOAD_FORMAT_INDICATOR("p_payload_format_indicator"),
    /** Message Expiry Interval (seconds). */
    MESSAGE_EXPIRY_INTERVAL("p_message_expiry_interval"),
    /** Content Type. */
    CONTENT_TYPE("p_content_type"),
    /** Response Topic. */
    RESPONSE_TOPIC("p_response_topic"),
    /** Correlation Data. */
    CORRELATION_DATA("p_correlation_data"),
    /** Topic Alias. */
    TOPIC_ALIAS("p_topic_alias"),
    /** Subscription Identifiers. */
    SUBSCRIPTION_IDENTIFIER("p_subscription_id"),
    /** Authentication Method. */
    AUTHENTICATION_METHOD("p_authentication_method"),
    /** Authentication Data. */
    AUTHENTICATION_DATA("p_authentication_data"),
    /** Will Delay Interval (seconds). */
    WILL_DELAY_INTERVAL("p_will_delay_interval");

    private final String scriptName;

    PropertyKey(String scriptName) {
        this.scriptName = scriptName;
    }

    /** The key scripts use in a {@code properties} table: {@code p_content_type}, ... */
    public String scriptName() {
        return scriptName;
    }

    /** Returns the key with the given script name, or {@code null} if there is none. */
    public static PropertyKey ofScriptName(String name) {
        for (PropertyKey k : values()) {
            if (k.scriptName.equals(name)) {
                return k;
            }
        }
        return null;
    }
}
