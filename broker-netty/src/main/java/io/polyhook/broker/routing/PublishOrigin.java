package io.polyhook.broker.routing;

import io.polyhook.spi.SharedSubscriptionPolicy;

/**
 * Who a message routed by the {@link Router} comes from, as far as routing cares: the publisher's
 * shared subscription policy, and what happens when a subscriber it reached is congested.
 */
public interface PublishOrigin {

    /** The broker itself (wills, {@code vmq_api.publish}, {@code $SYS}): the broker's policy, never paused. */
    PublishOrigin BROKER = new PublishOrigin() {
        @Override
        public SharedSubscriptionPolicy sharedSubscriptionPolicy() {
            return null;
        }

        @Override
        public void reachedCongested(DeliveryTarget target) {
        }
    };

    /** The {@code shared_subscription_policy} of the publisher's register hook, or null for the broker's. */
    SharedSubscriptionPolicy sharedSubscriptionPolicy();

    /** On the publishing thread: {@code target}, which the message just went to, is congested. */
    void reachedCongested(DeliveryTarget target);
}
