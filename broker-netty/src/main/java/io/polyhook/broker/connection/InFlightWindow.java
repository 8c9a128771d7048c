package io.polyhook.broker.connection;

import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.InFlight;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The QoS 1/2 messages sent to one client and not yet fully acknowledged, by packet id, and the
 * packet ids of new ones: an id is given again only once the message that held it is done.
 * Bounded by the client's Receive Maximum (or the broker's limit). Event loop only.
 */
final class InFlightWindow {

    private static final int MAX_PACKET_ID = 65_535;

    private final IntObjectMap<InFlight> entries = new IntObjectHashMap<>();
    private final int size;
    private int nextPacketId = 1;
    // retry_interval (MQTT 3 only): the entries seen at the previous tick are resent at this one.
    private Set<InFlight> seenAtLastTick = Set.of();

    /** @param size unacknowledged QoS 1/2 messages allowed at once (at least one) */
    InFlightWindow(int size) {
        this.size = Math.max(1, size);
    }

    /** Whether another QoS 1/2 message may go out now. */
    boolean hasRoom() {
        return entries.size() < size;
    }

    /** Whether {@code packetId} is held by a message in flight. */
    boolean holds(int packetId) {
        return entries.containsKey(packetId);
    }

    /** Puts an entry resent with the packet id it had (a previous connection's). */
    void restore(InFlight f) {
        entries.put(f.packetId(), f);
    }

    /** {@code m} goes out now: it takes the next free packet id, which is returned. */
    int send(Message m) {
        int id = nextPacketId();
        entries.put(id, new InFlight(id, m, false));
        return id;
    }

    /** PUBACK, PUBCOMP, or a PUBREC with an error code: whether a message held {@code packetId}. */
    boolean done(int packetId) {
        return entries.remove(packetId) != null;
    }

    /** PUBREC: from now on only the PUBREL may be resent; whether a message held {@code packetId}. */
    boolean released(int packetId) {
        InFlight f = entries.get(packetId);
        if (f == null) {
            return false;
        }
        entries.put(packetId, f.release());
        return true;
    }

    /** MQTT 3 retry_interval, at each tick: {@code resend} gets what stayed in flight since the previous tick. */
    void retryTick(Consumer<InFlight> resend) {
        Set<InFlight> now = new HashSet<>(entries.values());
        for (InFlight f : entries.values()) {
            if (seenAtLastTick.contains(f)) {
                resend.accept(f);
            }
        }
        seenAtLastTick = now;
    }

    /** Empties the window, oldest message first, for the session to keep. */
    List<InFlight> takeAll() {
        List<InFlight> out = new ArrayList<>(entries.values());
        out.sort(Comparator.comparingLong(f -> f.message().receivedNanos()));
        entries.clear();
        return out;
    }

    int count() {
        return entries.size();
    }

    private int nextPacketId() {
        while (true) {
            int id = nextPacketId;
            nextPacketId = nextPacketId == MAX_PACKET_ID ? 1 : nextPacketId + 1;
            if (!entries.containsKey(id)) {
                return id;
            }
        }
    }
}
