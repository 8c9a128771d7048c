package io.polyhook.cluster.infinispan.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.PayloadFormat;
import io.polyhook.spi.UserProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Message} in bytes: topic, QoS, retain flag, payload, publisher, subscription ids and
 * the MQTT 5 properties a PUBLISH carries. The time it spent in the broker travels as an age,
 * not as a {@code nanoTime} (which means nothing on another JVM), so that the message expiry
 * interval keeps counting on the receiving node.
 */
public final class MessageCodec {

    private static final int PAYLOAD_FORMAT = 1;
    private static final int EXPIRY = 1 << 1;
    private static final int CONTENT_TYPE = 1 << 2;
    private static final int RESPONSE_TOPIC = 1 << 3;
    private static final int CORRELATION = 1 << 4;
    private static final int USER_PROPERTIES = 1 << 5;
    private static final int SUBSCRIPTION_IDS = 1 << 6;
    private static final int MAX_LIST = 65_535;

    private MessageCodec() {
    }

    /** Writes {@code m} as it is at {@code nowNanos} ({@code wallMillis}: this node's clock, for stored copies). */
    public static void write(ByteBuf out, Message m, long nowNanos, long wallMillis) {
        Wire.writeString(out, m.topic());
        out.writeByte(m.qos() | (m.retain() ? 0x10 : 0) | (m.publisher().isPresent() ? 0x20 : 0));
        writePayload(out, m.payload());
        if (m.publisher().isPresent()) {
            Wire.writeString(out, m.publisher().get());
        }
        out.writeShort(m.subscriptionIds().size());
        for (int id : m.subscriptionIds()) {
            out.writeInt(id);
        }
        out.writeLong(Math.max(0, nowNanos - m.receivedNanos()));
        out.writeLong(wallMillis);
        writeProperties(out, m.properties());
    }

    /**
     * Reads a message written by {@link #write}. With {@code countWallClock}, the time since it
     * was written (by the writer's wall clock, never negative) adds to its age: a stored copy.
     */
    public static Message read(ByteBuf in, long nowNanos, long wallMillis, boolean countWallClock) {
        String topic = Wire.readString(in);
        int flags = in.readUnsignedByte();
        int qos = flags & 0x0F;
        if (qos > 2) {
            throw new Wire.WireException("qos " + qos);
        }
        Bytes payload = Bytes.wrap(Wire.readBytes(in));
        Optional<String> publisher = (flags & 0x20) != 0 ? Optional.of(Wire.readString(in)) : Optional.empty();
        int ids = in.readUnsignedShort();
        List<Integer> subscriptionIds = ids == 0 ? List.of() : new ArrayList<>(ids);
        for (int i = 0; i < ids; i++) {
            subscriptionIds.add(in.readInt());
        }
        long age = in.readLong();
        long written = in.readLong();
        if (countWallClock && wallMillis > written) {
            age += (wallMillis - written) * 1_000_000L;
        }
        MqttProperties properties = readProperties(in);
        return new Message(topic, qos, payload, (flags & 0x10) != 0, properties, publisher, subscriptionIds,
                nowNanos - Math.max(0, age));
    }

    /** {@code m} as a byte array (a cache value). */
    public static byte[] toBytes(Message m) {
        ByteBuf buf = Unpooled.buffer(64 + m.payload().size() + m.topic().length() * 3);
        write(buf, m, System.nanoTime(), System.currentTimeMillis());
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    /** The message in {@code bytes} (a cache value), aged by the wall-clock time since it was stored. */
    public static Message fromBytes(byte[] bytes) {
        return read(Unpooled.wrappedBuffer(bytes), System.nanoTime(), System.currentTimeMillis(), true);
    }

    private static void writePayload(ByteBuf out, Bytes payload) {
        out.writeInt(payload.size());
        if (!payload.isEmpty()) {
            out.writeBytes(payload.asReadOnlyBuffer());
        }
    }

    private static void writeProperties(ByteBuf out, MqttProperties p) {
        int mask = (p.payloadFormat().isPresent() ? PAYLOAD_FORMAT : 0)
                | (p.messageExpiryInterval().isPresent() ? EXPIRY : 0)
                | (p.contentType().isPresent() ? CONTENT_TYPE : 0)
                | (p.responseTopic().isPresent() ? RESPONSE_TOPIC : 0)
                | (p.correlationData().isPresent() ? CORRELATION : 0)
                | (!p.userProperties().isEmpty() ? USER_PROPERTIES : 0)
                | (!p.subscriptionIdentifiers().isEmpty() ? SUBSCRIPTION_IDS : 0);
        out.writeByte(mask);
        if (mask == 0) {
            return;
        }
        p.payloadFormat().ifPresent(f -> out.writeByte(f.indicator()));
        p.messageExpiryInterval().ifPresent(out::writeLong);
        p.contentType().ifPresent(s -> Wire.writeString(out, s));
        p.responseTopic().ifPresent(s -> Wire.writeString(out, s));
        p.correlationData().ifPresent(b -> Wire.writeBytes(out, b.toByteArray()));
        if (!p.userProperties().isEmpty()) {
            out.writeInt(p.userProperties().size());
            for (UserProperty u : p.userProperties()) {
                Wire.writeString(out, u.key());
                Wire.writeString(out, u.value());
            }
        }
        if (!p.subscriptionIdentifiers().isEmpty()) {
            out.writeInt(p.subscriptionIdentifiers().size());
            p.subscriptionIdentifiers().forEach(out::writeInt);
        }
    }

    private static MqttProperties readProperties(ByteBuf in) {
        int mask = in.readUnsignedByte();
        if (mask == 0) {
            return MqttProperties.EMPTY;
        }
        MqttProperties.Builder b = MqttProperties.builder();
        if ((mask & PAYLOAD_FORMAT) != 0) {
            int f = in.readUnsignedByte();
            if (f >= PayloadFormat.values().length) {
                throw new Wire.WireException("payload format " + f);
            }
            b.payloadFormat(PayloadFormat.values()[f]);
        }
        if ((mask & EXPIRY) != 0) {
            b.messageExpiryInterval(in.readLong());
        }
        if ((mask & CONTENT_TYPE) != 0) {
            b.contentType(Wire.readString(in));
        }
        if ((mask & RESPONSE_TOPIC) != 0) {
            b.responseTopic(Wire.readString(in));
        }
        if ((mask & CORRELATION) != 0) {
            b.correlationData(Bytes.wrap(Wire.readBytes(in)));
        }
        if ((mask & USER_PROPERTIES) != 0) {
            int n = Wire.readCount(in, MAX_LIST);
            for (int i = 0; i < n; i++) {
                b.addUserProperty(Wire.readString(in), Wire.readString(in));
            }
        }
        if ((mask & SUBSCRIPTION_IDS) != 0) {
            int n = Wire.readCount(in, MAX_LIST);
            for (int i = 0; i < n; i++) {
                b.addSubscriptionIdentifier(in.readInt());
            }
        }
        return b.build();
    }
}
