package io.polyhook.broker.connection;

/**
 * The MQTT 5 topic aliases a client sets on its PUBLISHes (§3.3.2.3.4): a PUBLISH with a topic and
 * an alias sets it, one with an empty topic uses it. Allocated at the first alias. Event loop only.
 */
final class IncomingTopicAliases {

    private final int maximum;
    private String[] topics;

    /** @param maximum the Topic Alias Maximum the broker announced */
    IncomingTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    /** Whether {@code alias} is within 1 and the announced maximum. */
    boolean inRange(int alias) {
        return alias > 0 && alias <= maximum;
    }

    /** Sets {@code alias} (in range) to {@code topic}. */
    void set(int alias, String topic) {
        if (topics == null) {
            topics = new String[maximum + 1];
        }
        topics[alias] = topic;
    }

    /** The topic {@code alias} (in range) stands for, or null if it was never set. */
    String topic(int alias) {
        return topics == null ? null : topics[alias];
    }
}
