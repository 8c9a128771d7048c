package io.polyhook.cluster.infinispan.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.polyhook.broker.routing.Message;

/**
 * A retained message as the cluster stores it: when and by whom it was written (for the merge
 * after a split), then the message. An empty payload is kept as a tombstone, so that a clear
 * on one side of a split wins over an older message on the other.
 */
final class RetainedRecord {

    private RetainedRecord() {
    }

    static byte[] encode(long wallMillis, String writer, Message m) {
        ByteBuf b = Unpooled.buffer(96 + m.payload().size());
        b.writeLong(wallMillis);
        Wire.writeString(b, writer);
        MessageCodec.write(b, m, System.nanoTime(), wallMillis);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    static long writtenAt(byte[] record) {
        return Unpooled.wrappedBuffer(record).readLong();
    }

    static String writer(byte[] record) {
        ByteBuf b = Unpooled.wrappedBuffer(record);
        b.skipBytes(8);
        return Wire.readString(b);
    }

    static Message message(byte[] record) {
        ByteBuf b = Unpooled.wrappedBuffer(record);
        b.skipBytes(8);
        Wire.readString(b);
        return MessageCodec.read(b, System.nanoTime(), System.currentTimeMillis(), true);
    }
}
