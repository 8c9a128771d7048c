package io.polyhook.spi;

import java.util.List;

/**
 * A rewrite of an UNSUBSCRIBE, returned by {@code on_unsubscribe[_m5]}: the filters to remove
 * instead of the requested ones.
 *
 * @param topics the topic filters to unsubscribe, in order
 * @since 0.1
 */
public record UnsubscribeModifiers(List<String> topics) implements Modifiers {

    /**
     * Copies the list and checks each entry is a valid topic filter.
     *
     * @since 0.1
     */
    public UnsubscribeModifiers {
        topics = List.copyOf(topics);
        for (String t : topics) {
            if (!Topics.isValidFilter(t)) {
                throw new InvalidModifierException("topics", t, "must be a valid topic filter");
            }
        }
    }

    /**
     * A rewrite to the given filters.
     *
     * @since 0.1
     */
    public static UnsubscribeModifiers of(String... topics) {
        return new UnsubscribeModifiers(List.of(topics));
    }
}
