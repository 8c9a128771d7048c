package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.store.InFlightEntry;
import io.polyhook.broker.store.InFlightStage;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.broker.store.StoredWill;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PayloadFormat;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UserProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The values of the store's records. Each starts with its format byte so that a later format can
 * read older records; MQTT 5 properties are written as (property identifier, value) pairs with the
 * identifiers of the MQTT 5 specification (§2.2.2.2).
 */
public final class Records {

    private static final int V1 = 1;
    private static final int RETAIN = 0x04;
    private static final int HAS_PUBLISHER = 0x08;

    private Records() {
    }

    // ---- messages

    /** A message record. */
    public static byte[] message(StoredMessage m) {
        RecordWriter w = new RecordWriter(m.payload().size() + m.topic().length() + 32);
        writeMessage(w, m);
        return w.toByteArray();
    }

    private static void writeMessage(RecordWriter w, StoredMessage m) {
        w.u8(V1);
        w.u8(m.qos() | (m.retain() ? RETAIN : 0) | (m.publisher().isPresent() ? HAS_PUBLISHER : 0));
        w.i64(m.receivedAtMillis());
        w.string(m.topic());
        m.publisher().ifPresent(w::string);
        w.varint(m.subscriptionIds().size());
        for (int id : m.subscriptionIds()) {
            w.varint(id);
        }
        w.bytes(m.payload());
        writeProperties(w, m.properties());
    }

    /** The message of a record. */
    public static StoredMessage message(byte[] value) {
        RecordReader r = new RecordReader(value);
        StoredMessage m = readMessage(r);
        r.expectEnd();
        return m;
    }

    private static StoredMessage readMessage(RecordReader r) {
        version(r, "message");
        int flags = r.u8();
        if ((flags & 0x03) == 3 || (flags & ~0x0F) != 0) {
            throw new CorruptRecordException("message flags " + flags);
        }
        long receivedAt = r.i64();
        String topic = r.string();
        Optional<String> publisher = (flags & HAS_PUBLISHER) != 0 ? Optional.of(r.string()) : Optional.empty();
        int n = r.varint32();
        List<Integer> ids = new ArrayList<>(Math.min(n, 16));
        for (int i = 0; i < n; i++) {
            ids.add(r.varint32());
        }
        Bytes payload = Bytes.wrap(r.bytes());
        MqttProperties properties = readProperties(r);
        try {
            return new StoredMessage(topic, flags & 0x03, payload, (flags & RETAIN) != 0, properties, publisher, ids,
                    receivedAt);
        } catch (IllegalArgumentException e) {
            throw new CorruptRecordException("message: " + e.getMessage(), e);
        }
    }

    // ---- queued messages: the weight the queue's byte limit counts, then the message

    /** A queued message's value: its {@link StoredMessage#weight()}, then its message record. */
    public static byte[] queued(StoredMessage m, int weight) {
        RecordWriter w = new RecordWriter(m.payload().size() + m.topic().length() + 40);
        w.varint(weight);
        writeMessage(w, m);
        return w.toByteArray();
    }

    /** The weight of a queued message's value, without decoding the message. */
    public static int queuedWeight(byte[] value) {
        return new RecordReader(value).varint32();
    }

    /** The message of a queued message's value. */
    public static StoredMessage queuedMessage(byte[] value) {
        RecordReader r = new RecordReader(value);
        r.varint32();
        StoredMessage m = readMessage(r);
        r.expectEnd();
        return m;
    }

    /** An in-flight record made from a queued message's value, without decoding the message. */
    public static byte[] inFlightFromQueued(InFlightStage stage, byte[] queued) {
        int skip = varintLength(queuedWeight(queued));
        byte[] out = new byte[queued.length - skip + 1];
        out[0] = (byte) stage.ordinal();
        System.arraycopy(queued, skip, out, 1, queued.length - skip);
        return out;
    }

    private static int varintLength(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    // ---- in flight, wills

    /** An in-flight record: its stage, then the message. */
    public static byte[] inFlight(InFlightStage stage, StoredMessage m) {
        RecordWriter w = new RecordWriter(m.payload().size() + m.topic().length() + 40);
        w.u8(stage.ordinal());
        writeMessage(w, m);
        return w.toByteArray();
    }

    /** The in-flight record with another stage. */
    public static byte[] withStage(byte[] inFlight, InFlightStage stage) {
        byte[] out = inFlight.clone();
        out[0] = (byte) stage.ordinal();
        return out;
    }

    /** The in-flight entry of a record. */
    public static InFlightEntry inFlight(int packetId, byte[] value) {
        RecordReader r = new RecordReader(value);
        int stage = r.u8();
        if (stage >= InFlightStage.values().length) {
            throw new CorruptRecordException("in-flight stage " + stage);
        }
        StoredMessage m = readMessage(r);
        r.expectEnd();
        return new InFlightEntry(packetId, InFlightStage.values()[stage], m);
    }

    /** A will record: when it is due, then the message. */
    public static byte[] will(StoredWill will) {
        RecordWriter w = new RecordWriter(will.message().payload().size() + 48);
        w.i64(will.publishAtMillis());
        writeMessage(w, will.message());
        return w.toByteArray();
    }

    /** The will of a record. */
    public static StoredWill will(byte[] value) {
        RecordReader r = new RecordReader(value);
        long at = r.i64();
        StoredMessage m = readMessage(r);
        r.expectEnd();
        return new StoredWill(m, at);
    }

    // ---- sessions and subscriptions

    private static final int HAS_DISCONNECT = 0x01;
    private static final int LIFO = 0x02;
    private static final int UPGRADE = 0x04;
    private static final int HAS_USER = 0x08;

    /** A session record. */
    public static byte[] session(StoredSession s) {
        RecordWriter w = new RecordWriter(64);
        w.u8(V1);
        w.string(s.id().mountpoint());
        w.string(s.id().clientId());
        w.u8(s.version().level());
        w.varint(s.expirySeconds());
        w.u8((s.disconnectedAt().isPresent() ? HAS_DISCONNECT : 0) | (s.lastInFirstOut() ? LIFO : 0)
                | (s.upgradeQos() ? UPGRADE : 0) | (s.username().isPresent() ? HAS_USER : 0));
        s.disconnectedAt().ifPresent(w::i64);
        w.varint(s.maxOfflineMessages() + 1L);
        s.username().ifPresent(w::string);
        return w.toByteArray();
    }

    /** The session of a record. */
    public static StoredSession session(byte[] value) {
        RecordReader r = new RecordReader(value);
        version(r, "session");
        SubscriberId id = new SubscriberId(r.string(), r.string());
        int level = r.u8();
        long expiry = r.varint();
        int flags = r.u8();
        OptionalLong disconnected = (flags & HAS_DISCONNECT) != 0 ? OptionalLong.of(r.i64()) : OptionalLong.empty();
        long maxOffline = r.varint() - 1;
        Optional<String> user = (flags & HAS_USER) != 0 ? Optional.of(r.string()) : Optional.empty();
        r.expectEnd();
        try {
            return new StoredSession(id, MqttVersion.ofLevel(level), expiry, disconnected,
                    Math.toIntExact(maxOffline), (flags & LIFO) != 0, (flags & UPGRADE) != 0, user);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new CorruptRecordException("session: " + e.getMessage(), e);
        }
    }

    private static final int RAP = 0x01;
    private static final int NO_LOCAL = 0x02;
    private static final int HAS_SUB_ID = 0x10;

    /** A subscription record (its filter is in the key). */
    public static byte[] subscription(TopicSubscription s) {
        RecordWriter w = new RecordWriter(12);
        w.u8(V1);
        w.u8(s.qos());
        SubscriptionOptions o = s.options();
        w.u8((o.retainAsPublished() ? RAP : 0) | (o.noLocal() ? NO_LOCAL : 0) | (o.retainHandling().value() << 2)
                | (o.subscriptionIdentifier().isPresent() ? HAS_SUB_ID : 0));
        o.subscriptionIdentifier().ifPresent(w::varint);
        return w.toByteArray();
    }

    /** The subscription to {@code filter} of a record. */
    public static TopicSubscription subscription(String filter, byte[] value) {
        RecordReader r = new RecordReader(value);
        version(r, "subscription");
        int qos = r.u8();
        int flags = r.u8();
        int handling = (flags >> 2) & 0x03;
        OptionalInt id = (flags & HAS_SUB_ID) != 0 ? OptionalInt.of(r.varint32()) : OptionalInt.empty();
        r.expectEnd();
        if (handling >= RetainHandling.values().length) {
            throw new CorruptRecordException("retain handling " + handling);
        }
        try {
            return new TopicSubscription(filter, qos, new SubscriptionOptions((flags & RAP) != 0,
                    (flags & NO_LOCAL) != 0, RetainHandling.values()[handling], id));
        } catch (IllegalArgumentException e) {
            throw new CorruptRecordException("subscription: " + e.getMessage(), e);
        }
    }

    private static void version(RecordReader r, String what) {
        int v = r.u8();
        if (v != V1) {
            throw new CorruptRecordException(what + " record of format " + v);
        }
    }

    // ---- MQTT 5 properties

    private static void writeProperties(RecordWriter out, MqttProperties p) {
        if (p.isEmpty()) {
            out.varint(0);
            return;
        }
        // Written apart first: the count of pairs comes before them.
        RecordWriter w = new RecordWriter(64);
        int n = 0;
        if (p.payloadFormat().isPresent()) {
            w.u8(0x01).u8(p.payloadFormat().get().indicator());
            n++;
        }
        if (p.messageExpiryInterval().isPresent()) {
            w.u8(0x02).varint(p.messageExpiryInterval().getAsLong());
            n++;
        }
        n += string(w, 0x03, p.contentType());
        n += string(w, 0x08, p.responseTopic());
        n += bytes(w, 0x09, p.correlationData());
        for (int id : p.subscriptionIdentifiers()) {
            w.u8(0x0B).varint(id);
            n++;
        }
        n += number(w, 0x11, p.sessionExpiryInterval());
        n += string(w, 0x15, p.authenticationMethod());
        n += bytes(w, 0x16, p.authenticationData());
        n += flag(w, 0x17, p.requestProblemInformation());
        n += number(w, 0x18, p.willDelayInterval());
        n += flag(w, 0x19, p.requestResponseInformation());
        n += number(w, 0x21, p.receiveMaximum());
        n += number(w, 0x22, p.topicAliasMaximum());
        n += number(w, 0x23, p.topicAlias());
        for (UserProperty u : p.userProperties()) {
            w.u8(0x26).string(u.key()).string(u.value());
            n++;
        }
        n += number(w, 0x27, p.maximumPacketSize());
        out.varint(n).raw(w.toByteArray());
    }

    private static int string(RecordWriter w, int id, Optional<String> v) {
        v.ifPresent(s -> w.u8(id).string(s));
        return v.isPresent() ? 1 : 0;
    }

    private static int bytes(RecordWriter w, int id, Optional<Bytes> v) {
        v.ifPresent(b -> w.u8(id).bytes(b));
        return v.isPresent() ? 1 : 0;
    }

    private static int flag(RecordWriter w, int id, Optional<Boolean> v) {
        v.ifPresent(b -> w.u8(id).u8(b ? 1 : 0));
        return v.isPresent() ? 1 : 0;
    }

    private static int number(RecordWriter w, int id, OptionalLong v) {
        v.ifPresent(x -> w.u8(id).varint(x));
        return v.isPresent() ? 1 : 0;
    }

    private static int number(RecordWriter w, int id, OptionalInt v) {
        v.ifPresent(x -> w.u8(id).varint(x));
        return v.isPresent() ? 1 : 0;
    }

    private static MqttProperties readProperties(RecordReader r) {
        int n = r.varint32();
        if (n == 0) {
            return MqttProperties.EMPTY;
        }
        MqttProperties.Builder b = MqttProperties.builder();
        try {
            for (int i = 0; i < n; i++) {
                int id = r.u8();
                switch (id) {
                    case 0x01 -> b.payloadFormat(r.u8() == 1 ? PayloadFormat.UTF8 : PayloadFormat.UNSPECIFIED);
                    case 0x02 -> b.messageExpiryInterval(r.varint());
                    case 0x03 -> b.contentType(r.string());
                    case 0x08 -> b.responseTopic(r.string());
                    case 0x09 -> b.correlationData(Bytes.wrap(r.bytes()));
                    case 0x0B -> b.addSubscriptionIdentifier(r.varint32());
                    case 0x11 -> b.sessionExpiryInterval(r.varint());
                    case 0x15 -> b.authenticationMethod(r.string());
                    case 0x16 -> b.authenticationData(Bytes.wrap(r.bytes()));
                    case 0x17 -> b.requestProblemInformation(r.u8() != 0);
                    case 0x18 -> b.willDelayInterval(r.varint());
                    case 0x19 -> b.requestResponseInformation(r.u8() != 0);
                    case 0x21 -> b.receiveMaximum(r.varint32());
                    case 0x22 -> b.topicAliasMaximum(r.varint32());
                    case 0x23 -> b.topicAlias(r.varint32());
                    case 0x26 -> b.addUserProperty(r.string(), r.string());
                    case 0x27 -> b.maximumPacketSize(r.varint());
                    default -> throw new CorruptRecordException("unknown property identifier " + id);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CorruptRecordException("properties: " + e.getMessage(), e);
        }
        return b.build();
    }
}
