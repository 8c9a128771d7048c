package io.polyhook.spi;

import java.util.Objects;

/**
 * One topic filter of a SUBSCRIBE with its requested (or granted) QoS and options.
 *
 * <p>In a subscribe rewrite ({@link SubscribeModifiers}) the QoS may also be {@link #REJECTED}
 * (128): that filter is refused with a failure in the SUBACK while the others are subscribed.
 *
 * @param filter  the topic filter, valid per {@link Topics#isValidFilter(String)}
 * @param qos     0, 1, 2, or {@link #REJECTED}
 * @param options the MQTT 5 options ({@link SubscriptionOptions#DEFAULT} for MQTT 3)
 * @since 0.1
 */
public record TopicSubscription(String filter, int qos, SubscriptionOptions options) {

    /**
     * The QoS value that rejects one filter of a subscription (SUBACK failure 0x80).
     *
     * @since 0.1
     */
    public static final int REJECTED = 0x80;

    /**
     * Checks the filter is a valid filter and the QoS one of 0, 1, 2 or 128.
     *
     * @since 0.1
     */
    public TopicSubscription {
        Objects.requireNonNull(options, "options");
        if (!Topics.isValidFilter(filter)) {
            throw new InvalidModifierException("topic", filter, "must be a valid topic filter");
        }
        if ((qos < 0 || qos > 2) && qos != REJECTED) {
            throw new InvalidModifierException("qos", qos, "must be 0, 1, 2 or 128 (reject)");
        }
    }

    /**
     * A subscription with MQTT 3 default options.
     *
     * @since 0.1
     */
    public static TopicSubscription of(String filter, int qos) {
        return new TopicSubscription(filter, qos, SubscriptionOptions.DEFAULT);
    }

    /**
     * A rewrite entry that refuses {@code filter}.
     *
     * @since 0.1
     */
    public static TopicSubscription rejected(String filter) {
        return new TopicSubscription(filter, REJECTED, SubscriptionOptions.DEFAULT);
    }

    /**
     * Whether this entry refuses its filter (QoS 128).
     *
     * @since 0.1
     */
    public boolean isRejected() {
        return qos == REJECTED;
    }
}
