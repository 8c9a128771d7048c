package io.polyhook.spi;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The MQTT 5 options of one subscription. MQTT 3 subscriptions carry {@link #DEFAULT}.
 *
 * @param retainAsPublished      keep the retain flag of forwarded messages ({@code rap})
 * @param noLocal                do not deliver the client's own messages back to it
 * @param retainHandling         when retained messages are sent on subscribe
 * @param subscriptionIdentifier the subscription identifier of the SUBSCRIBE, if any
 *                               ({@code sub_id}, 1..268435455)
 * @since 0.1
 */
public record SubscriptionOptions(boolean retainAsPublished, boolean noLocal, RetainHandling retainHandling,
                                  OptionalInt subscriptionIdentifier) {

    /**
     * MQTT 3 behaviour: no rap, no no-local, retained messages sent, no identifier.
     *
     * @since 0.1
     */
    public static final SubscriptionOptions DEFAULT =
            new SubscriptionOptions(false, false, RetainHandling.SEND_RETAIN, OptionalInt.empty());

    /**
     * Checks retain handling is present and the identifier in range.
     *
     * @since 0.1
     */
    public SubscriptionOptions {
        Objects.requireNonNull(retainHandling, "retainHandling");
        Objects.requireNonNull(subscriptionIdentifier, "subscriptionIdentifier");
        if (subscriptionIdentifier.isPresent()
                && (subscriptionIdentifier.getAsInt() < 1 || subscriptionIdentifier.getAsInt() > 268_435_455)) {
            throw new InvalidModifierException("sub_id", subscriptionIdentifier.getAsInt(), "must be 1..268435455");
        }
    }
}
