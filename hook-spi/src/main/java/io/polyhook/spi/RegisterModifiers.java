package io.polyhook.spi;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Changes to a connecting client, returned by {@code auth_on_register[_m5]}: its session
 * identity (and so its mountpoint), user name, clean-session flag, per-client limits and, for
 * MQTT 5, the CONNACK-side properties.
 *
 * <p>Unlike publish modifiers, the {@link #properties()} of a register modifier
 * <em>replace</em> the client's properties; only user properties and the session expiry
 * interval may be set.
 *
 * @since 0.1
 */
public final class RegisterModifiers implements Modifiers {

    /**
     * A per-client limit, named as scripts name it. All are non-negative integers.
     *
     * @since 0.1
     */
    public enum Limit {
        /**
         * Largest PUBLISH the client may send, in bytes.
         *
         * @since 0.1
         */
        MAX_MESSAGE_SIZE("max_message_size"),
        /**
         * Seconds after which the connection is closed.
         *
         * @since 0.1
         */
        MAX_CONNECTION_LIFETIME("max_connection_lifetime"),
        /**
         * Messages per second the client may publish.
         *
         * @since 0.1
         */
        MAX_MESSAGE_RATE("max_message_rate"),
        /**
         * Unacknowledged outgoing QoS 1/2 messages.
         *
         * @since 0.1
         */
        MAX_INFLIGHT_MESSAGES("max_inflight_messages"),
        /**
         * Retry interval for unacknowledged messages, in seconds.
         *
         * @since 0.1
         */
        RETRY_INTERVAL("retry_interval"),
        /**
         * Queue size while online.
         *
         * @since 0.1
         */
        MAX_ONLINE_MESSAGES("max_online_messages"),
        /**
         * Queue size while offline.
         *
         * @since 0.1
         */
        MAX_OFFLINE_MESSAGES("max_offline_messages"),
        /**
         * Maximum time to drain a queue, in milliseconds.
         *
         * @since 0.1
         */
        MAX_DRAIN_TIME("max_drain_time"),
        /**
         * Messages per drain step.
         *
         * @since 0.1
         */
        MAX_MSGS_PER_DRAIN_STEP("max_msgs_per_drain_step");

        private final String scriptName;

        Limit(String scriptName) {
            this.scriptName = scriptName;
        }

        /**
         * The name scripts use.
         *
         * @since 0.1
         */
        public String scriptName() {
            return scriptName;
        }
    }

    /**
     * A permission switch, named as scripts name it.
     *
     * @since 0.1
     */
    public enum Permission {
        /**
         * Whether the client may register at all.
         *
         * @since 0.1
         */
        ALLOW_REGISTER("allow_register"),
        /**
         * Whether the client may publish.
         *
         * @since 0.1
         */
        ALLOW_PUBLISH("allow_publish"),
        /**
         * Whether the client may subscribe.
         *
         * @since 0.1
         */
        ALLOW_SUBSCRIBE("allow_subscribe"),
        /**
         * Whether the client may unsubscribe.
         *
         * @since 0.1
         */
        ALLOW_UNSUBSCRIBE("allow_unsubscribe");

        private final String scriptName;

        Permission(String scriptName) {
            this.scriptName = scriptName;
        }

        /**
         * The name scripts use.
         *
         * @since 0.1
         */
        public String scriptName() {
            return scriptName;
        }
    }

    /**
     * The properties a register modifier may set.
     *
     * @since 0.1
     */
    public static final Set<PropertyKey> ALLOWED_PROPERTIES =
            Set.of(PropertyKey.USER_PROPERTY, PropertyKey.SESSION_EXPIRY_INTERVAL);

    private final SubscriberId subscriberId;
    private final String username;
    private final Boolean cleanSession;
    private final Boolean upgradeQos;
    private final SharedSubscriptionPolicy sharedSubscriptionPolicy;
    private final QueueType queueType;
    private final Map<Limit, Long> limits;
    private final Map<Permission, Boolean> permissions;
    private final MqttProperties properties;

    private RegisterModifiers(Builder b) {
        subscriberId = b.subscriberId;
        username = b.username;
        cleanSession = b.cleanSession;
        upgradeQos = b.upgradeQos;
        sharedSubscriptionPolicy = b.sharedSubscriptionPolicy;
        queueType = b.queueType;
        limits = Collections.unmodifiableMap(new EnumMap<>(b.limits));
        permissions = Collections.unmodifiableMap(new EnumMap<>(b.permissions));
        properties = b.properties;
    }

    /**
     * Returns a new builder.
     *
     * @since 0.1
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The new session identity; this is how a handler moves a client to another mountpoint.
     *
     * @since 0.1
     */
    public Optional<SubscriberId> subscriberId() {
        return Optional.ofNullable(subscriberId);
    }

    /**
     * The new user name.
     *
     * @since 0.1
     */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /**
     * Overrides clean session / clean start.
     *
     * @since 0.1
     */
    public Optional<Boolean> cleanSession() {
        return Optional.ofNullable(cleanSession);
    }

    /**
     * Deliver messages at the subscription's QoS even when they were published lower.
     *
     * @since 0.1
     */
    public Optional<Boolean> upgradeQos() {
        return Optional.ofNullable(upgradeQos);
    }

    /**
     * The shared subscription policy for this client.
     *
     * @since 0.1
     */
    public Optional<SharedSubscriptionPolicy> sharedSubscriptionPolicy() {
        return Optional.ofNullable(sharedSubscriptionPolicy);
    }

    /**
     * The queue type for this client.
     *
     * @since 0.1
     */
    public Optional<QueueType> queueType() {
        return Optional.ofNullable(queueType);
    }

    /**
     * The value of one limit, if set.
     *
     * @since 0.1
     */
    public OptionalLong limit(Limit limit) {
        Long v = limits.get(limit);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /**
     * Every limit that is set.
     *
     * @since 0.1
     */
    public Map<Limit, Long> limits() {
        return limits;
    }

    /**
     * The value of one permission switch, if set.
     *
     * @since 0.1
     */
    public Optional<Boolean> permission(Permission permission) {
        return Optional.ofNullable(permissions.get(permission));
    }

    /**
     * Every permission switch that is set.
     *
     * @since 0.1
     */
    public Map<Permission, Boolean> permissions() {
        return permissions;
    }

    /**
     * Replacement CONNECT-side properties (MQTT 5 only); empty if not set.
     *
     * @since 0.1
     */
    public Optional<MqttProperties> properties() {
        return Optional.ofNullable(properties);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegisterModifiers m && Objects.equals(subscriberId, m.subscriberId)
                && Objects.equals(username, m.username) && Objects.equals(cleanSession, m.cleanSession)
                && Objects.equals(upgradeQos, m.upgradeQos) && sharedSubscriptionPolicy == m.sharedSubscriptionPolicy
                && queueType == m.queueType && limits.equals(m.limits) && permissions.equals(m.permissions)
                && Objects.equals(properties, m.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subscriberId, username, cleanSession, upgradeQos, sharedSubscriptionPolicy, queueType,
                limits, permissions, properties);
    }

    @Override
    public String toString() {
        return "RegisterModifiers{subscriberId=" + subscriberId + ", username=" + username + ", cleanSession="
                + cleanSession + ", upgradeQos=" + upgradeQos + ", sharedSubscriptionPolicy="
                + sharedSubscriptionPolicy + ", queueType=" + queueType + ", limits=" + limits + ", permissions="
                + permissions + ", properties=" + properties + "}";
    }

    /**
     * Builds {@link RegisterModifiers}; at least one modifier must be set. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private SubscriberId subscriberId;
        private String username;
        private Boolean cleanSession;
        private Boolean upgradeQos;
        private SharedSubscriptionPolicy sharedSubscriptionPolicy;
        private QueueType queueType;
        private final Map<Limit, Long> limits = new EnumMap<>(Limit.class);
        private final Map<Permission, Boolean> permissions = new EnumMap<>(Permission.class);
        private MqttProperties properties;

        private Builder() {
        }

        /**
         * Sets the session identity (mountpoint and client id).
         *
         * @since 0.1
         */
        public Builder subscriberId(SubscriberId id) {
            subscriberId = Objects.requireNonNull(id, "subscriberId");
            if (id.clientId().isEmpty()) {
                throw new InvalidModifierException("subscriber_id.client_id", id.clientId(), "must not be empty");
            }
            return this;
        }

        /**
         * Sets the user name.
         *
         * @since 0.1
         */
        public Builder username(String name) {
            username = Objects.requireNonNull(name, "username");
            return this;
        }

        /**
         * Sets clean session / clean start.
         *
         * @since 0.1
         */
        public Builder cleanSession(boolean value) {
            cleanSession = value;
            return this;
        }

        /**
         * Sets QoS upgrade.
         *
         * @since 0.1
         */
        public Builder upgradeQos(boolean value) {
            upgradeQos = value;
            return this;
        }

        /**
         * Sets the shared subscription policy.
         *
         * @since 0.1
         */
        public Builder sharedSubscriptionPolicy(SharedSubscriptionPolicy policy) {
            sharedSubscriptionPolicy = Objects.requireNonNull(policy, "sharedSubscriptionPolicy");
            return this;
        }

        /**
         * Sets the queue type.
         *
         * @since 0.1
         */
        public Builder queueType(QueueType type) {
            queueType = Objects.requireNonNull(type, "queueType");
            return this;
        }

        /**
         * Sets one limit; it must not be negative.
         *
         * @since 0.1
         */
        public Builder limit(Limit limit, long value) {
            if (value < 0) {
                throw new InvalidModifierException(limit.scriptName(), value, "must not be negative");
            }
            limits.put(limit, value);
            return this;
        }

        /**
         * Sets one permission switch.
         *
         * @since 0.1
         */
        public Builder permission(Permission permission, boolean value) {
            permissions.put(permission, value);
            return this;
        }

        /**
         * Sets the replacement properties: only user properties and the session expiry interval.
         *
         * @since 0.1
         */
        public Builder properties(MqttProperties props) {
            properties = Objects.requireNonNull(props, "properties").requireOnly(ALLOWED_PROPERTIES, "auth_on_register_m5");
            return this;
        }

        /**
         * Returns the modifiers; throws if none was set (accept with {@link Verdict#ok()} instead).
         *
         * @since 0.1
         */
        public RegisterModifiers build() {
            if (subscriberId == null && username == null && cleanSession == null && upgradeQos == null
                    && sharedSubscriptionPolicy == null && queueType == null && limits.isEmpty()
                    && permissions.isEmpty() && properties == null) {
                throw new InvalidModifierException("modifiers", "{}", "must set at least one modifier");
            }
            return new RegisterModifiers(this);
        }
    }
}
