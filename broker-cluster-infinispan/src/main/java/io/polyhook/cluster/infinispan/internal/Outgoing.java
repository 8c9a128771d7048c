package io.polyhook.cluster.infinispan.internal;

import io.netty.buffer.ByteBuf;
import io.polyhook.broker.cluster.RemoteDelivery;

/** What waits in a peer's queue: encoded into the next frame when the link flushes. */
sealed interface Outgoing {

    int DELIVERY = 1;
    int REQUEST = 2;
    int RESPONSE = 3;
    int FORWARD = 4;

    /** About how many bytes it takes in a frame: what the queue bound counts. */
    int estimate();

    /** Writes it into {@code frame}. */
    void encode(ByteBuf frame, long nowNanos);

    /** A message for the peer's subscribers. */
    record Delivery(RemoteDelivery delivery) implements Outgoing {
        @Override
        public int estimate() {
            return 96 + delivery.message().payload().size() + delivery.message().topic().length() * 3;
        }

        @Override
        public void encode(ByteBuf frame, long nowNanos) {
            frame.writeByte(DELIVERY);
            Wire.writeString(frame, delivery.id().origin());
            frame.writeLong(delivery.id().sequence());
            Wire.writeString(frame, delivery.mountpoint());
            frame.writeBoolean(delivery.subscribers());
            frame.writeShort(delivery.groups().size());
            for (String g : delivery.groups()) {
                Wire.writeString(frame, g);
            }
            MessageCodec.write(frame, delivery.message(), nowNanos, 0);
        }
    }

    /** A message for one session that moved to the peer. */
    record Forward(io.polyhook.broker.cluster.ForwardedMessage forwarded) implements Outgoing {
        @Override
        public int estimate() {
            return 128 + forwarded.message().payload().size() + forwarded.message().topic().length() * 3;
        }

        @Override
        public void encode(ByteBuf frame, long nowNanos) {
            frame.writeByte(FORWARD);
            Wire.writeString(frame, forwarded.id().origin());
            frame.writeLong(forwarded.id().sequence());
            Wire.writeString(frame, forwarded.client().mountpoint());
            Wire.writeString(frame, forwarded.client().clientId());
            MessageCodec.write(frame, forwarded.message(), nowNanos, 0);
        }
    }

    /** A request the peer answers with a {@link Response} on its own link to us. */
    record Request(long id, int op, byte[] body) implements Outgoing {
        @Override
        public int estimate() {
            return 16 + body.length;
        }

        @Override
        public void encode(ByteBuf frame, long nowNanos) {
            frame.writeByte(REQUEST);
            frame.writeLong(id);
            frame.writeByte(op);
            Wire.writeBytes(frame, body);
        }
    }

    /** The answer to the peer's request {@code id}: a body, or a failure with its reason. */
    record Response(long id, int status, byte[] body) implements Outgoing {
        @Override
        public int estimate() {
            return 16 + body.length;
        }

        @Override
        public void encode(ByteBuf frame, long nowNanos) {
            frame.writeByte(RESPONSE);
            frame.writeLong(id);
            frame.writeByte(status);
            Wire.writeBytes(frame, body);
        }
    }
}
