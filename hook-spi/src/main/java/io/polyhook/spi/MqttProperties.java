package io.polyhook.spi;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The MQTT 5 properties of a packet that hooks see and may set. Every property is optional;
 * user properties keep their order and duplicates. MQTT 3 packets carry {@link #EMPTY}.
 *
 * <p>Build one with {@link #builder()}; the builder checks each value against the range the
 * MQTT 5 specification allows and names the property in its error.
 *
 * @since 0.1
 */
public final class MqttProperties {

    /**
     * No properties at all.
     *
     * @since 0.1
     */
    public static final MqttProperties EMPTY = new Builder().build();

    private static final long MAX_U32 = 0xFFFF_FFFFL;
    private static final int MAX_VARINT = 268_435_455;

    private final Long sessionExpiryInterval;
    private final Integer receiveMaximum;
    private final Integer topicAliasMaximum;
    private final Long maximumPacketSize;
    private final Boolean requestResponseInformation;
    private final Boolean requestProblemInformation;
    private final List<UserProperty> userProperties;
    private final PayloadFormat payloadFormat;
    private final Long messageExpiryInterval;
    private final String contentType;
    private final String responseTopic;
    private final Bytes correlationData;
    private final Integer topicAlias;
    private final List<Integer> subscriptionIdentifiers;
    private final String authenticationMethod;
    private final Bytes authenticationData;
    private final Long willDelayInterval;

    private MqttProperties(Builder b) {
        sessionExpiryInterval = b.sessionExpiryInterval;
        receiveMaximum = b.receiveMaximum;
        topicAliasMaximum = b.topicAliasMaximum;
        maximumPacketSize = b.maximumPacketSize;
        requestResponseInformation = b.requestResponseInformation;
        requestProblemInformation = b.requestProblemInformation;
        userProperties = b.userProperties == null ? null : List.copyOf(b.userProperties);
        payloadFormat = b.payloadFormat;
        messageExpiryInterval = b.messageExpiryInterval;
        contentType = b.contentType;
        responseTopic = b.responseTopic;
        correlationData = b.correlationData;
        topicAlias = b.topicAlias;
        subscriptionIdentifiers = b.subscriptionIdentifiers == null ? null : List.copyOf(b.subscriptionIdentifiers);
        authenticationMethod = b.authenticationMethod;
        authenticationData = b.authenticationData;
        willDelayInterval = b.willDelayInterval;
    }

    /**
     * Returns a new, empty builder.
     *
     * @since 0.1
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder that starts from these properties.
     *
     * @since 0.1
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.sessionExpiryInterval = sessionExpiryInterval;
        b.receiveMaximum = receiveMaximum;
        b.topicAliasMaximum = topicAliasMaximum;
        b.maximumPacketSize = maximumPacketSize;
        b.requestResponseInformation = requestResponseInformation;
        b.requestProblemInformation = requestProblemInformation;
        b.userProperties = userProperties == null ? null : new ArrayList<>(userProperties);
        b.payloadFormat = payloadFormat;
        b.messageExpiryInterval = messageExpiryInterval;
        b.contentType = contentType;
        b.responseTopic = responseTopic;
        b.correlationData = correlationData;
        b.topicAlias = topicAlias;
        b.subscriptionIdentifiers = subscriptionIdentifiers == null ? null : new ArrayList<>(subscriptionIdentifiers);
        b.authenticationMethod = authenticationMethod;
        b.authenticationData = authenticationData;
        b.willDelayInterval = willDelayInterval;
        return b;
    }

    /**
     * Session Expiry Interval in seconds.
     *
     * @since 0.1
     */
    public OptionalLong sessionExpiryInterval() {
        return optional(sessionExpiryInterval);
    }

    /**
     * Receive Maximum.
     *
     * @since 0.1
     */
    public OptionalInt receiveMaximum() {
        return optional(receiveMaximum);
    }

    /**
     * Topic Alias Maximum.
     *
     * @since 0.1
     */
    public OptionalInt topicAliasMaximum() {
        return optional(topicAliasMaximum);
    }

    /**
     * Maximum Packet Size in bytes.
     *
     * @since 0.1
     */
    public OptionalLong maximumPacketSize() {
        return optional(maximumPacketSize);
    }

    /**
     * Request Response Information.
     *
     * @since 0.1
     */
    public Optional<Boolean> requestResponseInformation() {
        return Optional.ofNullable(requestResponseInformation);
    }

    /**
     * Request Problem Information.
     *
     * @since 0.1
     */
    public Optional<Boolean> requestProblemInformation() {
        return Optional.ofNullable(requestProblemInformation);
    }

    /**
     * User properties in packet order, duplicates kept; empty if there are none.
     *
     * @since 0.1
     */
    public List<UserProperty> userProperties() {
        return userProperties == null ? List.of() : userProperties;
    }

    /**
     * Payload Format Indicator.
     *
     * @since 0.1
     */
    public Optional<PayloadFormat> payloadFormat() {
        return Optional.ofNullable(payloadFormat);
    }

    /**
     * Message Expiry Interval in seconds.
     *
     * @since 0.1
     */
    public OptionalLong messageExpiryInterval() {
        return optional(messageExpiryInterval);
    }

    /**
     * Content Type.
     *
     * @since 0.1
     */
    public Optional<String> contentType() {
        return Optional.ofNullable(contentType);
    }

    /**
     * Response Topic.
     *
     * @since 0.1
     */
    public Optional<String> responseTopic() {
        return Optional.ofNullable(responseTopic);
    }

    /**
     * Correlation Data.
     *
     * @since 0.1
     */
    public Optional<Bytes> correlationData() {
        return Optional.ofNullable(correlationData);
    }

    /**
     * Topic Alias.
     *
     * @since 0.1
     */
    public OptionalInt topicAlias() {
        return optional(topicAlias);
    }

    /**
     * Subscription Identifiers (a delivered message may match several subscriptions).
     *
     * @since 0.1
     */
    public List<Integer> subscriptionIdentifiers() {
        return subscriptionIdentifiers == null ? List.of() : subscriptionIdentifiers;
    }

    /**
     * Authentication Method.
     *
     * @since 0.1
     */
    public Optional<String> authenticationMethod() {
        return Optional.ofNullable(authenticationMethod);
    }

    /**
     * Authentication Data.
     *
     * @since 0.1
     */
    public Optional<Bytes> authenticationData() {
        return Optional.ofNullable(authenticationData);
    }

    /**
     * Will Delay Interval in seconds.
     *
     * @since 0.1
     */
    public OptionalLong willDelayInterval() {
        return optional(willDelayInterval);
    }

    /**
     * Whether no property is set.
     *
     * @since 0.1
     */
    public boolean isEmpty() {
        return keys().isEmpty();
    }

    /**
     * The properties that are set (user properties and subscription ids count when non-empty).
     *
     * @since 0.1
     */
    public Set<PropertyKey> keys() {
        EnumSet<PropertyKey> keys = EnumSet.noneOf(PropertyKey.class);
        addIf(keys, PropertyKey.SESSION_EXPIRY_INTERVAL, sessionExpiryInterval);
        addIf(keys, PropertyKey.RECEIVE_MAXIMUM, receiveMaximum);
        addIf(keys, PropertyKey.TOPIC_ALIAS_MAXIMUM, topicAliasMaximum);
        addIf(keys, PropertyKey.MAXIMUM_PACKET_SIZE, maximumPacketSize);
        addIf(keys, PropertyKey.REQUEST_RESPONSE_INFORMATION, requestResponseInformation);
        addIf(keys, PropertyKey.REQUEST_PROBLEM_INFORMATION, requestProblemInformation);
        addIf(keys, PropertyKey.USER_PROPERTY, userProperties);
        addIf(keys, PropertyKey.PAYLOAD_FORMAT_INDICATOR, payloadFormat);
        addIf(keys, PropertyKey.MESSAGE_EXPIRY_INTERVAL, messageExpiryInterval);
        addIf(keys, PropertyKey.CONTENT_TYPE, contentType);
        addIf(keys, PropertyKey.RESPONSE_TOPIC, responseTopic);
        addIf(keys, PropertyKey.CORRELATION_DATA, correlationData);
        addIf(keys, PropertyKey.TOPIC_ALIAS, topicAlias);
        addIf(keys, PropertyKey.SUBSCRIPTION_IDENTIFIER, subscriptionIdentifiers);
        addIf(keys, PropertyKey.AUTHENTICATION_METHOD, authenticationMethod);
        addIf(keys, PropertyKey.AUTHENTICATION_DATA, authenticationData);
        addIf(keys, PropertyKey.WILL_DELAY_INTERVAL, willDelayInterval);
        return keys;
    }

    /**
     * Merges properties returned by a publish or deliver hook into these (vmq_diversity's rule):
     * every property set in {@code changes} replaces the one here, untouched ones survive. For
     * user properties, each key present in {@code changes} removes all entries with that key
     * here; the remaining entries keep their order and the new ones are appended. A payload
     * format of {@link PayloadFormat#UNSPECIFIED} in {@code changes} clears the indicator.
     *
     * <p>Example: {@code k1:v1, k1:v2, k2:v2, k4:v4} merged with {@code k1:v3, k3:v3} gives
     * {@code k2:v2, k4:v4, k1:v3, k3:v3}.
     *
     * @since 0.1
     */
    public MqttProperties merge(MqttProperties changes) {
        if (changes.isEmpty()) {
            return this;
        }
        Builder b = toBuilder();
        if (changes.sessionExpiryInterval != null) b.sessionExpiryInterval = changes.sessionExpiryInterval;
        if (changes.receiveMaximum != null) b.receiveMaximum = changes.receiveMaximum;
        if (changes.topicAliasMaximum != null) b.topicAliasMaximum = changes.topicAliasMaximum;
        if (changes.maximumPacketSize != null) b.maximumPacketSize = changes.maximumPacketSize;
        if (changes.requestResponseInformation != null) b.requestResponseInformation = changes.requestResponseInformation;
        if (changes.requestProblemInformation != null) b.requestProblemInformation = changes.requestProblemInformation;
        if (changes.payloadFormat != null) {
            b.payloadFormat = changes.payloadFormat == PayloadFormat.UNSPECIFIED ? null : changes.payloadFormat;
        }
        if (changes.messageExpiryInterval != null) b.messageExpiryInterval = changes.messageExpiryInterval;
        if (changes.contentType != null) b.contentType = changes.contentType;
        if (changes.responseTopic != null) b.responseTopic = changes.responseTopic;
        if (changes.correlationData != null) b.correlationData = changes.correlationData;
        if (changes.topicAlias != null) b.topicAlias = changes.topicAlias;
        if (changes.subscriptionIdentifiers != null) b.subscriptionIdentifiers = new ArrayList<>(changes.subscriptionIdentifiers);
        if (changes.authenticationMethod != null) b.authenticationMethod = changes.authenticationMethod;
        if (changes.authenticationData != null) b.authenticationData = changes.authenticationData;
        if (changes.willDelayInterval != null) b.willDelayInterval = changes.willDelayInterval;
        if (changes.userProperties != null && !changes.userProperties.isEmpty()) {
            Set<String> replaced = new HashSet<>();
            for (UserProperty p : changes.userProperties) {
                replaced.add(p.key());
            }
            List<UserProperty> merged = new ArrayList<>();
            for (UserProperty p : userProperties()) {
                if (!replaced.contains(p.key())) {
                    merged.add(p);
                }
            }
            merged.addAll(changes.userProperties);
            b.userProperties = merged;
        }
        return b.build();
    }

    /**
     * Checks that only {@code allowed} properties are set; otherwise throws, naming the first
     * property that is not allowed. Hooks use this to enforce their property whitelists.
     *
     * @since 0.1
     */
    public MqttProperties requireOnly(Set<PropertyKey> allowed, String where) {
        for (PropertyKey k : keys()) {
            if (!allowed.contains(k)) {
                throw new InvalidModifierException("properties." + k.scriptName(), valueOf(k),
                        "may not be set by " + where);
            }
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttProperties p
                && Objects.equals(sessionExpiryInterval, p.sessionExpiryInterval)
                && Objects.equals(receiveMaximum, p.receiveMaximum)
                && Objects.equals(topicAliasMaximum, p.topicAliasMaximum)
                && Objects.equals(maximumPacketSize, p.maximumPacketSize)
                && Objects.equals(requestResponseInformation, p.requestResponseInformation)
                && Objects.equals(requestProblemInformation, p.requestProblemInformation)
                && userProperties().equals(p.userProperties())
                && payloadFormat == p.payloadFormat
                && Objects.equals(messageExpiryInterval, p.messageExpiryInterval)
                && Objects.equals(contentType, p.contentType)
                && Objects.equals(responseTopic, p.responseTopic)
                && Objects.equals(correlationData, p.correlationData)
                && Objects.equals(topicAlias, p.topicAlias)
                && subscriptionIdentifiers().equals(p.subscriptionIdentifiers())
                && Objects.equals(authenticationMethod, p.authenticationMethod)
                && Objects.equals(authenticationData, p.authenticationData)
                && Objects.equals(willDelayInterval, p.willDelayInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionExpiryInterval, receiveMaximum, topicAliasMaximum, maximumPacketSize,
                requestResponseInformation, requestProblemInformation, userProperties(), payloadFormat,
                messageExpiryInterval, contentType, responseTopic, correlationData, topicAlias,
                subscriptionIdentifiers(), authenticationMethod, authenticationData, willDelayInterval);
    }

    /**
     * Lists the set properties; binary values show their length only.
     *
     * @since 0.1
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MqttProperties{");
        String sep = "";
        for (PropertyKey k : keys()) {
            sb.append(sep).append(k.scriptName()).append('=').append(valueOf(k));
            sep = ", ";
        }
        return sb.append('}').toString();
    }

    private Object valueOf(PropertyKey k) {
        return switch (k) {
            case SESSION_EXPIRY_INTERVAL -> sessionExpiryInterval;
            case RECEIVE_MAXIMUM -> receiveMaximum;
            case TOPIC_ALIAS_MAXIMUM -> topicAliasMaximum;
            case MAXIMUM_PACKET_SIZE -> maximumPacketSize;
            case REQUEST_RESPONSE_INFORMATION -> requestResponseInformation;
            case REQUEST_PROBLEM_INFORMATION -> requestProblemInformation;
            case USER_PROPERTY -> userProperties;
            case PAYLOAD_FORMAT_INDICATOR -> payloadFormat;
            case MESSAGE_EXPIRY_INTERVAL -> messageExpiryInterval;
            case CONTENT_TYPE -> contentType;
            case RESPONSE_TOPIC -> responseTopic;
            case CORRELATION_DATA -> correlationData;
            case TOPIC_ALIAS -> topicAlias;
            case SUBSCRIPTION_IDENTIFIER -> subscriptionIdentifiers;
            case AUTHENTICATION_METHOD -> authenticationMethod;
            case AUTHENTICATION_DATA -> authenticationData;
            case WILL_DELAY_INTERVAL -> willDelayInterval;
        };
    }

    private static void addIf(Set<PropertyKey> keys, PropertyKey key, Object value) {
        if (value != null && !(value instanceof List<?> l && l.isEmpty())) {
            keys.add(key);
        }
    }

    private static OptionalLong optional(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static OptionalInt optional(Integer v) {
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /**
     * Builds {@link MqttProperties}; each setter checks its range. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private Long sessionExpiryInterval;
        private Integer receiveMaximum;
        private Integer topicAliasMaximum;
        private Long maximumPacketSize;
        private Boolean requestResponseInformation;
        private Boolean requestProblemInformation;
        private List<UserProperty> userProperties;
        private PayloadFormat payloadFormat;
        private Long messageExpiryInterval;
        private String contentType;
        private String responseTopic;
        private Bytes correlationData;
        private Integer topicAlias;
        private List<Integer> subscriptionIdentifiers;
        private String authenticationMethod;
        private Bytes authenticationData;
        private Long willDelayInterval;

        private Builder() {
        }

        /**
         * Sets the Session Expiry Interval, 0..4294967295 seconds.
         *
         * @since 0.1
         */
        public Builder sessionExpiryInterval(long seconds) {
            sessionExpiryInterval = u32(PropertyKey.SESSION_EXPIRY_INTERVAL, seconds);
            return this;
        }

        /**
         * Sets the Receive Maximum, 1..65535.
         *
         * @since 0.1
         */
        public Builder receiveMaximum(int value) {
            receiveMaximum = range(PropertyKey.RECEIVE_MAXIMUM, value, 1, 65_535);
            return this;
        }

        /**
         * Sets the Topic Alias Maximum, 0..65535.
         *
         * @since 0.1
         */
        public Builder topicAliasMaximum(int value) {
            topicAliasMaximum = range(PropertyKey.TOPIC_ALIAS_MAXIMUM, value, 0, 65_535);
            return this;
        }

        /**
         * Sets the Maximum Packet Size, 1..4294967295 bytes.
         *
         * @since 0.1
         */
        public Builder maximumPacketSize(long bytes) {
            if (bytes < 1 || bytes > MAX_U32) {
                throw bad(PropertyKey.MAXIMUM_PACKET_SIZE, bytes, "must be 1..4294967295");
            }
            maximumPacketSize = bytes;
            return this;
        }

        /**
         * Sets Request Response Information.
         *
         * @since 0.1
         */
        public Builder requestResponseInformation(boolean value) {
            requestResponseInformation = value;
            return this;
        }

        /**
         * Sets Request Problem Information.
         *
         * @since 0.1
         */
        public Builder requestProblemInformation(boolean value) {
            requestProblemInformation = value;
            return this;
        }

        /**
         * Appends one user property.
         *
         * @since 0.1
         */
        public Builder addUserProperty(String key, String value) {
            if (userProperties == null) {
                userProperties = new ArrayList<>();
            }
            userProperties.add(new UserProperty(key, value));
            return this;
        }

        /**
         * Replaces all user properties with {@code properties}, in order.
         *
         * @since 0.1
         */
        public Builder userProperties(List<UserProperty> properties) {
            userProperties = new ArrayList<>(properties);
            return this;
        }

        /**
         * Sets the Payload Format Indicator ({@link PayloadFormat#UNSPECIFIED} in a modifier clears it).
         *
         * @since 0.1
         */
        public Builder payloadFormat(PayloadFormat format) {
            payloadFormat = Objects.requireNonNull(format, "payloadFormat");
            return this;
        }

        /**
         * Sets the Message Expiry Interval, 0..4294967295 seconds.
         *
         * @since 0.1
         */
        public Builder messageExpiryInterval(long seconds) {
            messageExpiryInterval = u32(PropertyKey.MESSAGE_EXPIRY_INTERVAL, seconds);
            return this;
        }

        /**
         * Sets the Content Type.
         *
         * @since 0.1
         */
        public Builder contentType(String value) {
            contentType = Objects.requireNonNull(value, "contentType");
            return this;
        }

        /**
         * Sets the Response Topic; it must be a valid topic name (no wildcards).
         *
         * @since 0.1
         */
        public Builder responseTopic(String topic) {
            if (!Topics.isValidName(topic)) {
                throw bad(PropertyKey.RESPONSE_TOPIC, topic, "must be a topic name without wildcards");
            }
            responseTopic = topic;
            return this;
        }

        /**
         * Sets the Correlation Data.
         *
         * @since 0.1
         */
        public Builder correlationData(Bytes data) {
            correlationData = Objects.requireNonNull(data, "correlationData");
            return this;
        }

        /**
         * Sets the Topic Alias, 1..65535.
         *
         * @since 0.1
         */
        public Builder topicAlias(int alias) {
            topicAlias = range(PropertyKey.TOPIC_ALIAS, alias, 1, 65_535);
            return this;
        }

        /**
         * Appends a Subscription Identifier, 1..268435455.
         *
         * @since 0.1
         */
        public Builder addSubscriptionIdentifier(int id) {
            range(PropertyKey.SUBSCRIPTION_IDENTIFIER, id, 1, MAX_VARINT);
            if (subscriptionIdentifiers == null) {
                subscriptionIdentifiers = new ArrayList<>();
            }
            subscriptionIdentifiers.add(id);
            return this;
        }

        /**
         * Sets the Authentication Method.
         *
         * @since 0.1
         */
        public Builder authenticationMethod(String method) {
            authenticationMethod = Objects.requireNonNull(method, "authenticationMethod");
            return this;
        }

        /**
         * Sets the Authentication Data.
         *
         * @since 0.1
         */
        public Builder authenticationData(Bytes data) {
            authenticationData = Objects.requireNonNull(data, "authenticationData");
            return this;
        }

        /**
         * Sets the Will Delay Interval, 0..4294967295 seconds.
         *
         * @since 0.1
         */
        public Builder willDelayInterval(long seconds) {
            willDelayInterval = u32(PropertyKey.WILL_DELAY_INTERVAL, seconds);
            return this;
        }

        /**
         * Returns the immutable properties.
         *
         * @since 0.1
         */
        public MqttProperties build() {
            return new MqttProperties(this);
        }

        private static long u32(PropertyKey key, long v) {
            if (v < 0 || v > MAX_U32) {
                throw bad(key, v, "must be 0..4294967295");
            }
            return v;
        }

        private static int range(PropertyKey key, int v, int min, int max) {
            if (v < min || v > max) {
                throw bad(key, v, "must be " + min + ".." + max);
            }
            return v;
        }

        private static InvalidModifierException bad(PropertyKey key, Object value, String reason) {
            return new InvalidModifierException("properties." + key.scriptName(), value, reason);
        }
    }
}
