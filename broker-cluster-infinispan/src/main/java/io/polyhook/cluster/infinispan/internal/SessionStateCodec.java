package io.polyhook.cluster.infinispan.internal;

import io.netty.buffer.ByteBuf;
import io.polyhook.broker.cluster.Claim;
import io.polyhook.broker.cluster.InFlightMessage;
import io.polyhook.broker.cluster.Owner;
import io.polyhook.broker.cluster.SessionState;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Sessions, claims and identities in bytes, for takeovers and hand-overs between nodes. */
final class SessionStateCodec {

    private static final int MAX_ENTRIES = 10_000_000;

    private SessionStateCodec() {
    }

    static void writeId(ByteBuf out, SubscriberId id) {
        Wire.writeString(out, id.mountpoint());
        Wire.writeString(out, id.clientId());
    }

    static SubscriberId readId(ByteBuf in) {
        return new SubscriberId(Wire.readString(in), Wire.readString(in));
    }

    static void writeClaim(ByteBuf out, Claim c) {
        writeId(out, c.id());
        writeOwner(out, c.owner());
        out.writeBoolean(c.previous().isPresent());
        c.previous().ifPresent(p -> writeOwner(out, p));
    }

    static Claim readClaim(ByteBuf in) {
        SubscriberId id = readId(in);
        Owner owner = readOwner(in);
        Optional<Owner> previous = in.readBoolean() ? Optional.of(readOwner(in)) : Optional.empty();
        return new Claim(id, owner, previous);
    }

    private static void writeOwner(ByteBuf out, Owner o) {
        Wire.writeString(out, o.node());
        out.writeLong(o.epoch());
    }

    private static Owner readOwner(ByteBuf in) {
        return new Owner(Wire.readString(in), in.readLong());
    }

    static void write(ByteBuf out, SessionState s, long nowNanos) {
        writeId(out, s.id());
        out.writeLong(s.expirySeconds());
        out.writeInt(s.subscriptions().size());
        for (TopicSubscription t : s.subscriptions()) {
            Wire.writeString(out, t.filter());
            out.writeByte(t.qos());
            SubscriptionOptions o = t.options();
            out.writeByte((o.retainAsPublished() ? 1 : 0) | (o.noLocal() ? 2 : 0) | (o.retainHandling().ordinal() << 2));
            out.writeInt(o.subscriptionIdentifier().orElse(0));
        }
        out.writeInt(s.inflight().size());
        for (InFlightMessage f : s.inflight()) {
            out.writeShort(f.packetId());
            out.writeBoolean(f.released());
            MessageCodec.write(out, f.message(), nowNanos, 0);
        }
        out.writeShort(s.inboundQos2().size());
        for (int packetId : s.inboundQos2()) {
            out.writeShort(packetId);
        }
        out.writeInt(s.queued().size());
        for (Message m : s.queued()) {
            MessageCodec.write(out, m, nowNanos, 0);
        }
    }

    static SessionState read(ByteBuf in, long nowNanos) {
        SubscriberId id = readId(in);
        long expiry = in.readLong();
        int n = Wire.readCount(in, MAX_ENTRIES);
        List<TopicSubscription> subs = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            String filter = Wire.readString(in);
            int qos = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int subId = in.readInt();
            int handling = flags >> 2;
            if (handling >= RetainHandling.values().length) {
                throw new Wire.WireException("retain handling " + handling);
            }
            subs.add(new TopicSubscription(filter, qos, new SubscriptionOptions((flags & 1) != 0, (flags & 2) != 0,
                    RetainHandling.values()[handling], subId == 0 ? OptionalInt.empty() : OptionalInt.of(subId))));
        }
        n = Wire.readCount(in, 65_535);
        List<InFlightMessage> inflight = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int packetId = in.readUnsignedShort();
            boolean released = in.readBoolean();
            inflight.add(new InFlightMessage(packetId, MessageCodec.read(in, nowNanos, 0, false), released));
        }
        n = in.readUnsignedShort();
        List<Integer> inbound = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            inbound.add(in.readUnsignedShort());
        }
        n = Wire.readCount(in, MAX_ENTRIES);
        List<Message> queued = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            queued.add(MessageCodec.read(in, nowNanos, 0, false));
        }
        return new SessionState(id, expiry, subs, inflight, inbound, queued);
    }
}
