package io.polyhook.spi;

import java.util.List;

/**
 * A rewrite of a SUBSCRIBE, returned by {@code auth_on_subscribe[_m5]}: the filters to subscribe
 * instead of the requested ones, each with its QoS and options. An entry whose QoS is
 * {@link TopicSubscription#REJECTED} refuses that filter alone. An empty list subscribes nothing.
 *
 * @param topics the filters to subscribe, in order
 * @since 0.1
 */
public record SubscribeModifiers(List<TopicSubscription> topics) implements Modifiers {

    /**
     * Copies the list; each entry was validated when it was built.
     *
     * @since 0.1
     */
    public SubscribeModifiers {
        topics = List.copyOf(topics);
    }

    /**
     * A rewrite to the given entries.
     *
     * @since 0.1
     */
    public static SubscribeModifiers of(TopicSubscription... topics) {
        return new SubscribeModifiers(List.of(topics));
    }
}
