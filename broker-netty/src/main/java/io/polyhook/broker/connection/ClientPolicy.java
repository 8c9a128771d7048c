package io.polyhook.broker.connection;

import io.polyhook.broker.session.QueuePolicy;
import io.polyhook.spi.QueueType;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.RegisterModifiers.Limit;
import io.polyhook.spi.RegisterModifiers.Permission;
import io.polyhook.spi.SharedSubscriptionPolicy;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one client may do and how it is served, fixed when it is admitted: the register hook's
 * modifiers ({@code auth_on_register[_m5]}) that outlive the CONNECT, with "not set" where the
 * broker's settings apply.
 *
 * @param maxInflight              {@code max_inflight_messages}: unacknowledged outgoing QoS 1/2 (at least 1)
 * @param maxMessageSize           {@code max_message_size}: the largest payload it may publish, 0 for no limit
 * @param mayPublish               {@code allow_publish}
 * @param maySubscribe             {@code allow_subscribe}
 * @param mayUnsubscribe           {@code allow_unsubscribe}
 * @param maxMessageRate           {@code max_message_rate}: publishes per second, 0 for no limit
 * @param lifetimeSeconds          {@code max_connection_lifetime}, 0 for no limit
 * @param maxOnlineMessages        {@code max_online_messages}, -1 for the broker's
 * @param maxOfflineMessages       {@code max_offline_messages}, -1 for the broker's
 * @param retrySeconds             {@code retry_interval} (MQTT 3 only), 0 for none
 * @param upgradeQos               {@code upgrade_qos}
 * @param lastInFirstOut           {@code queue_type = lifo}
 * @param drainStep                {@code max_msgs_per_drain_step}, -1 for the broker's
 * @param drainMillis              {@code max_drain_time} in milliseconds, -1 for the broker's
 * @param sharedSubscriptionPolicy {@code shared_subscription_policy} for its publishes, empty for the broker's
 */
record ClientPolicy(int maxInflight, long maxMessageSize, boolean mayPublish, boolean maySubscribe,
                    boolean mayUnsubscribe, long maxMessageRate, long lifetimeSeconds, int maxOnlineMessages,
                    int maxOfflineMessages, long retrySeconds, boolean upgradeQos, boolean lastInFirstOut,
                    int drainStep, long drainMillis, Optional<SharedSubscriptionPolicy> sharedSubscriptionPolicy) {

    /** A client without register modifiers: every broker default. */
    static final ClientPolicy DEFAULT = new ClientPolicy(Integer.MAX_VALUE, 0, true, true, true, 0, 0, -1, -1, 0,
            false, false, -1, -1, Optional.empty());

    /** The policy the register hook's modifiers {@code mods} set. */
    static ClientPolicy of(RegisterModifiers mods) {
        return new ClientPolicy(
                atLeastOne(mods.limit(Limit.MAX_INFLIGHT_MESSAGES), Integer.MAX_VALUE),
                mods.limit(Limit.MAX_MESSAGE_SIZE).orElse(0L),
                mods.permission(Permission.ALLOW_PUBLISH).orElse(true),
                mods.permission(Permission.ALLOW_SUBSCRIBE).orElse(true),
                mods.permission(Permission.ALLOW_UNSUBSCRIBE).orElse(true),
                mods.limit(Limit.MAX_MESSAGE_RATE).orElse(0L),
                mods.limit(Limit.MAX_CONNECTION_LIFETIME).orElse(0L),
                count(mods.limit(Limit.MAX_ONLINE_MESSAGES)),
                count(mods.limit(Limit.MAX_OFFLINE_MESSAGES)),
                mods.limit(Limit.RETRY_INTERVAL).orElse(0L),
                mods.upgradeQos().orElse(false),
                mods.queueType().map(q -> q == QueueType.LIFO).orElse(false),
                atLeastOne(mods.limit(Limit.MAX_MSGS_PER_DRAIN_STEP), -1),
                mods.limit(Limit.MAX_DRAIN_TIME).orElse(-1L),
                mods.sharedSubscriptionPolicy());
    }

    /** A count limit as an int (capped), -1 when not set. */
    private static int count(OptionalLong n) {
        return n.isPresent() ? (int) Math.min(n.getAsLong(), Integer.MAX_VALUE) : -1;
    }

    /** A limit of at least 1 as an int (capped), {@code unset} when not set. */
    private static int atLeastOne(OptionalLong n, int unset) {
        return n.isPresent() ? (int) Math.min(Math.max(1, n.getAsLong()), Integer.MAX_VALUE) : unset;
    }

    /** How its session queues messages. */
    QueuePolicy queuePolicy() {
        return new QueuePolicy(maxOfflineMessages, lastInFirstOut, upgradeQos);
    }
}
