package io.polyhook.broker.connection;

import java.util.HashMap;

/**
 * The topic aliases the broker sets toward one MQTT 5 client (MQTT 5 §3.3.2.3.4), at most as
 * many as the client's Topic Alias Maximum allows (and {@code broker.topic_alias_maximum}, which
 * bounds the memory per client). The first PUBLISH on a topic carries the topic and a new alias;
 * later ones carry the alias and an empty topic. Aliases go to topics in the order they are first
 * sent and are never reassigned: once all are taken, other topics go out in full. They live as
 * long as the connection (a reconnect starts afresh, as the client's side does). Event loop only.
 */
final class OutgoingTopicAliases {

    private final int maximum;
    private final HashMap<String, Integer> byTopic = new HashMap<>();

    /** @param maximum how many aliases may be set, at least 1 */
    OutgoingTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    /** The alias the client already knows for {@code topic}, or 0. */
    int known(String topic) {
        Integer alias = byTopic.get(topic);
        return alias == null ? 0 : alias;
    }

    /** The alias {@link #assign} would give a new topic now, or 0 if all are taken. */
    int next() {
        return byTopic.size() < maximum ? byTopic.size() + 1 : 0;
    }

    /** Gives {@code topic} the next alias (to be sent with the topic in full this once); 0 if all are taken. */
    int assign(String topic) {
        int alias = next();
        if (alias != 0) {
            byTopic.put(topic, alias);
        }
        return alias;
    }
}
