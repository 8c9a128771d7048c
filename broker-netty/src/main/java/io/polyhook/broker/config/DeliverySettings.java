package io.polyhook.broker.config;

import io.polyhook.spi.SharedSubscriptionPolicy;

import java.time.Duration;

/**
 * How messages reach subscribers: what happens to one that stays behind, how a shared group
 * picks a member, and how a reconnecting session's offline queue is handed over.
 *
 * @param slowConsumerPolicy       what to do with an online client whose outgoing queue is full
 *                                 ({@code broker.max_online_messages}) or whose oldest waiting message
 *                                 waited longer than {@code slowConsumerMaxDelay}
 * @param slowConsumerMaxDelay     the longest a message may wait in a connected client's outgoing queue;
 *                                 {@link Duration#ZERO} for no time bound (only the count bound)
 * @param sharedSubscriptionPolicy how a shared group picks the member for a message (a publisher's
 *                                 {@code auth_on_register} may choose another for its own publishes)
 * @param maxMsgsPerDrainStep      offline messages handed to a reconnecting client per event-loop task
 * @param maxDrainTime             how long a reconnecting client may take to receive its offline queue before
 *                                 it is disconnected with the rest kept; {@link Duration#ZERO} for no limit
 */
public record DeliverySettings(SlowConsumerPolicy slowConsumerPolicy, Duration slowConsumerMaxDelay,
                               SharedSubscriptionPolicy sharedSubscriptionPolicy, int maxMsgsPerDrainStep,
                               Duration maxDrainTime) {

    /** Drop and count, no time bound, prefer_local, 100 messages per step, no drain time limit. */
    public static final DeliverySettings DEFAULT = new DeliverySettings(SlowConsumerPolicy.DROP, Duration.ZERO,
            SharedSubscriptionPolicy.PREFER_LOCAL, 100, Duration.ZERO);

    /** What the broker does with a subscriber that stays behind. */
    public enum SlowConsumerPolicy {
        /** Drop its oldest waiting messages and count them; it stays connected. */
        DROP,
        /** Disconnect it (MQTT 5: DISCONNECT 0x97 Quota exceeded); its session keeps the QoS 1/2 messages. */
        DISCONNECT
    }

    /** These settings with another slow-consumer policy and time bound ({@link Duration#ZERO} for none). */
    public DeliverySettings withSlowConsumer(SlowConsumerPolicy policy, Duration maxDelay) {
        return new DeliverySettings(policy, maxDelay, sharedSubscriptionPolicy, maxMsgsPerDrainStep, maxDrainTime);
    }

    /** These settings with another default shared subscription policy. */
    public DeliverySettings withSharedSubscriptionPolicy(SharedSubscriptionPolicy policy) {
        return new DeliverySettings(slowConsumerPolicy, slowConsumerMaxDelay, policy, maxMsgsPerDrainStep, maxDrainTime);
    }

    /** These settings with another drain step and drain time limit ({@link Duration#ZERO} for none). */
    public DeliverySettings withDrain(int msgsPerStep, Duration maxTime) {
        return new DeliverySettings(slowConsumerPolicy, slowConsumerMaxDelay, sharedSubscriptionPolicy, msgsPerStep, maxTime);
    }
}
