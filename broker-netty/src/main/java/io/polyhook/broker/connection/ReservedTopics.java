package io.polyhook.broker.connection;

/**
 * The topics the broker owns, to which clients may not publish. MQTT reserves topics starting
 * with {@code $} for the server (MQTT 5 §4.7.2); of those, this broker publishes under
 * {@code $SYS} ({@code $SYS/<node>/...}, retained), so a client's PUBLISH or will to {@code $SYS}
 * or below is refused before any hook: MQTT 5 clients get PUBACK/PUBREC 0x87 Not authorized
 * (QoS 1/2), MQTT 3 clients' messages are dropped (acknowledged, as for any denied PUBLISH), and a
 * CONNECT with such a will is refused. Other {@code $} topics are not the broker's and stay open
 * to hooks and ACLs; subscribing to {@code $SYS} is governed by {@code auth_on_subscribe}.
 */
final class ReservedTopics {

    private ReservedTopics() {
    }

    /** Whether {@code topic} is {@code $SYS} or below it. */
    static boolean ownedByBroker(String topic) {
        return topic.startsWith("$SYS") && (topic.length() == 4 || topic.charAt(4) == '/');
    }
}
