package io.polyhook.broker.store;

/** Where an outgoing QoS 1/2 message stands with its subscriber. */
public enum InFlightStage {
    /** The PUBLISH was sent and not yet acknowledged: after a restart it is sent again with DUP set. */
    SENT,
    /** QoS 2: the client's PUBREC came and PUBREL was sent: after a restart only PUBREL is sent again. */
    RELEASED
}
