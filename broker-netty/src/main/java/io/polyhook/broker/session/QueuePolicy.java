package io.polyhook.broker.session;

/**
 * How a client's messages are queued, from its {@code auth_on_register} modifiers.
 *
 * @param maxOfflineMessages the offline queue bound, -1 for the broker's
 * @param lastInFirstOut     deliver a queue newest first ({@code queue_type = lifo})
 * @param upgradeQos         deliver with the subscription's QoS even above the published one
 */
public record QueuePolicy(int maxOfflineMessages, boolean lastInFirstOut, boolean upgradeQos) {

    /** The broker's bound, first in first out, no upgrade. */
    public static final QueuePolicy DEFAULT = new QueuePolicy(-1, false, false);
}
