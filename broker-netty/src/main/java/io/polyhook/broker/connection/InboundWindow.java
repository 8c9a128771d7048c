package io.polyhook.broker.connection;

import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * The client's QoS 1 and 2 PUBLISHes the broker has not finished acknowledging, in one owner:
 * the count against the Receive Maximum the broker announced (MQTT 5 §3.3.4), and the packet ids
 * of QoS 2 messages received and not yet released by PUBREL (so a resent one is routed once).
 * Event loop only.
 */
final class InboundWindow {

    private final int receiveMaximum;
    // QoS 2 packet ids received and not yet released by PUBREL.
    private final IntObjectMap<Boolean> qos2Received = new IntObjectHashMap<>();
    // QoS 1/2 PUBLISHes not yet acknowledged (PUBACK, PUBREC with an error, or PUBCOMP).
    private int unacknowledged;

    InboundWindow(int receiveMaximum) {
        this.receiveMaximum = receiveMaximum;
    }

    /**
     * A PUBLISH arrived: counts it unless it is a resent QoS 2 one still held. Returns whether
     * the count is now above the Receive Maximum.
     */
    boolean arrivedBeyondMaximum(int qos, int packetId) {
        if (qos == 0 || (qos == 2 && qos2Received.containsKey(packetId))) {
            return false;
        }
        return ++unacknowledged > receiveMaximum;
    }

    /** Whether a QoS 2 PUBLISH with {@code packetId} was received and not yet released. */
    boolean holdsQos2(int packetId) {
        return qos2Received.containsKey(packetId);
    }

    /** A QoS 2 PUBLISH is taken: its id is held until PUBREL. */
    void holdQos2(int packetId) {
        qos2Received.put(packetId, Boolean.TRUE);
    }

    /** A QoS 2 PUBLISH received by an earlier connection of the session (before a restart), not released yet. */
    void restoreQos2(int packetId) {
        if (qos2Received.put(packetId, Boolean.TRUE) == null) {
            unacknowledged++;
        }
    }

    /** The QoS 2 packet ids received and not released yet: what the session keeps when the connection goes. */
    java.util.List<Integer> heldQos2() {
        return qos2Received.isEmpty() ? java.util.List.of() : java.util.List.copyOf(qos2Received.keySet());
    }

    /** A QoS 1 PUBLISH was acknowledged (PUBACK, whatever its code). */
    void acknowledgedQos1() {
        unacknowledged--;
    }

    /** A QoS 2 PUBLISH was refused with PUBREC and an error code: it is done, its id free. */
    void refusedQos2(int packetId) {
        qos2Received.remove(packetId);
        unacknowledged--;
    }

    /** PUBREL: the QoS 2 exchange of {@code packetId} ends with PUBCOMP. */
    void released(int packetId) {
        if (qos2Received.remove(packetId) != null) {
            unacknowledged--;
        }
    }
}
