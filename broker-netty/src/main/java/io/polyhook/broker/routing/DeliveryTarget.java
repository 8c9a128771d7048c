package io.polyhook.broker.routing;

/**
 * Where the {@link Router} hands a message for one subscriber: a session (which passes it to its
 * live connection's outbound flow or queues it while offline), a connection's outbound flow, and
 * later a durable queue or another cluster node. Every method may be called from any thread and
 * must not block.
 */
public interface DeliveryTarget {

    /**
     * Takes {@code message} as its subscriber gets it: QoS, retain flag and subscription
     * identifiers are already those of the subscription.
     */
    void deliver(Message message);

    /** Whether a live connection is behind it now; a shared group prefers such members. */
    default boolean online() {
        return true;
    }

    /** Whether it takes messages at its subscription's QoS even above the published one ({@code upgrade_qos}). */
    default boolean upgradesQos() {
        return false;
    }

    /** Whether publishers to it should pause (its outgoing queue is above its high-water mark). */
    default boolean congested() {
        return false;
    }

    /** Runs {@code relief} once it is no longer congested: at once if it is not. */
    default void whenRelieved(Runnable relief) {
        relief.run();
    }
}
