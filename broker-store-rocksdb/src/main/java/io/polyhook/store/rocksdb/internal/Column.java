package io.polyhook.store.rocksdb.internal;

import java.nio.charset.StandardCharsets;

/** The column families of the store: one per kind of record. */
public enum Column {
    /** RocksDB's default family: the store's format record. */
    META("default", false),
    /** Session number → session record. */
    SESSIONS("sessions", false),
    /** (session, filter) → subscription options. */
    SUBSCRIPTIONS("subscriptions", false),
    /** (session, sequence) → queued message: appended at the tail, consumed at the head. */
    QUEUES("queues", true),
    /** (session, 'n' | 'b') → the queue's message and byte count, kept with uint64add merges. */
    QUEUE_SIZES("queue_sizes", false),
    /** (session, packet id) → stage and message of an outgoing QoS 1/2 message. */
    IN_FLIGHT("in_flight", false),
    /** (session, packet id) → nothing: a QoS 2 PUBLISH received, its PUBREL not yet. */
    INBOUND_QOS2("inbound_qos2", false),
    /** Session number → due time and message of a delayed will. */
    WILLS("wills", false),
    /** (mountpoint, topic) → retained message. */
    RETAINED("retained", false),
    /** (table, key) → value of a persistent script kv table. */
    KV("kv", false);

    private final String familyName;
    private final boolean queue;

    Column(String familyName, boolean queue) {
        this.familyName = familyName;
        this.queue = queue;
    }

    /** The column family's name on disk. */
    public String familyName() {
        return familyName;
    }

    /** The name as RocksDB takes it. */
    public byte[] nameBytes() {
        return familyName.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether it is tuned as a queue: big write buffers, compaction after deletions. */
    public boolean isQueue() {
        return queue;
    }

    /** The families whose keys start with a session number, removed together with the session. */
    static final Column[] PER_SESSION = {SESSIONS, SUBSCRIPTIONS, QUEUES, QUEUE_SIZES, IN_FLIGHT, INBOUND_QOS2, WILLS};

    /** The column of a family name on disk, or null if the store does not know it. */
    public static Column ofFamilyName(String name) {
        for (Column c : values()) {
            if (c.familyName.equals(name)) {
                return c;
            }
        }
        return null;
    }
}
