package io.polyhook.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The encoded MQTT 3 QoS 0 PUBLISHes of the messages this event loop delivered last, shared by
 * their subscribers: a fan-out to n subscribers on one loop encodes (allocates, validates,
 * copies) each packet once instead of n times. Such a packet is the same bytes for every MQTT 3
 * subscriber: no packet id, no properties, only topic, payload and retain flag.
 *
 * <p>The deliveries of one PUBLISH share its payload object, and on a loop they come close
 * together: one after the other at a modest rate, or, in a burst, one subscriber's whole queue
 * after the other's. So the last {@value #ENTRIES} messages (and at most {@value #MAX_BYTES}
 * bytes of them) are the cache, looked up by the payload's identity. It must hold a whole
 * subscriber's burst: with room for only 64 messages, a loop draining queues of a few hundred
 * found almost nothing (78 % misses at 1.9 million deliveries a second).
 *
 * <p>And it must cost nothing when nothing is shared (one subscriber per message, as with 100
 * publishers to 100 subscribers). A lookup is one slot of a direct-mapped table by the payload's
 * identity hash (an IdentityHashMap was 12 % of the broker's samples there, all misses), and a
 * message is kept only from its second delivery on this loop: a slot first remembers the identity
 * hash of a payload it encoded, and keeps the encoding only when the same payload comes again
 * (keeping every packet and releasing the oldest, long cold, when a newer one took its slot was
 * 13 %). A fan-out pays one extra encoding per loop. The cache holds one reference of each kept
 * buffer and gives each write a retained duplicate; it lets go of a buffer when it is evicted, or
 * when the loop's thread ends.
 */
public final class SharedQos0Encoding {

    public static final int ENTRIES = 4096;
    public static final int MAX_BYTES = 1 << 20;

    private static final FastThreadLocal<SharedQos0Encoding> LOOP = new FastThreadLocal<>() {
        @Override
        protected SharedQos0Encoding initialValue() {
            return new SharedQos0Encoding();
        }

        @Override
        protected void onRemoval(SharedQos0Encoding value) {
            value.clear();
        }
    };

    private record Entry(Bytes payload, String topic, boolean retain, ByteBuf encoded) {
    }

    // Oldest first; owns the buffers.
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    // The newest entry whose payload hashes to each slot; a collision only costs an encoding.
    private final Entry[] slots = new Entry[ENTRIES];
    // The identity hash of the payload each slot encoded last without keeping it. A hash, not the
    // payload: a reference would hold up to 4,096 payloads of any size. Another payload with the
    // same hash only makes a message kept that did not need to be.
    private final int[] seen = new int[ENTRIES];
    private long bytes;

    private SharedQos0Encoding() {
    }

    /** The PUBLISH of {@code m} (QoS 0, MQTT 3) as a buffer the caller owns and writes. */
    public static ByteBuf encode(Message m, ByteBufAllocator alloc) {
        return LOOP.get().packet(m, alloc);
    }

    private ByteBuf packet(Message m, ByteBufAllocator alloc) {
        int hash = System.identityHashCode(m.payload());
        int slot = hash & (ENTRIES - 1);
        Entry e = slots[slot];
        if (e != null && e.payload() == m.payload() && e.topic() == m.topic() && e.retain() == m.retain()) {
            return e.encoded().retainedDuplicate();
        }
        if (seen[slot] != hash) {
            // The first delivery of this message here: there may be no other to share it with.
            seen[slot] = hash;
            return Mqtt3Encoding.publish(m, 0, false, alloc);
        }
        ByteBuf encoded = Mqtt3Encoding.publish(m, 0, false, alloc);
        Entry added = new Entry(m.payload(), m.topic(), m.retain(), encoded);
        entries.addLast(added);
        slots[slot] = added;
        bytes += encoded.readableBytes();
        while (entries.size() > ENTRIES || (bytes > MAX_BYTES && entries.size() > 1)) {
            Entry old = entries.pollFirst();
            int oldSlot = System.identityHashCode(old.payload()) & (ENTRIES - 1);
            if (slots[oldSlot] == old) {
                slots[oldSlot] = null;
            }
            bytes -= old.encoded().readableBytes();
            old.encoded().release();
        }
        return encoded.retainedDuplicate();
    }

    private void clear() {
        Entry e;
        while ((e = entries.pollFirst()) != null) {
            e.encoded().release();
        }
        Arrays.fill(slots, null);
        Arrays.fill(seen, 0);
        bytes = 0;
    }
}
