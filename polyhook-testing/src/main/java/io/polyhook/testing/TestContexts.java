package io.polyhook.testing;

import io.polyhook.spi.Bytes;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Listener;
import io.polyhook.spi.ListenerType;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.Peer;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeContext;

import java.util.List;

/**
 * Contexts for the common cases, with the values a broker would fill in for a plain client on
 * the default mountpoint of a TCP listener. They are shorthands for the contexts' builders
 * ({@code PublishContext.builder()}, ...), which the rest is built with: not with the records'
 * constructors, which gain a parameter whenever a context gains a field.
 */
public final class TestContexts {

    /** The peer address of every context made here. */
    public static final Peer PEER = new Peer("127.0.0.1", 50_000);
    /** The listener of every context made here. */
    public static final Listener LISTENER = new Listener("127.0.0.1", 1883, ListenerType.MQTT);

    private TestContexts() {
    }

    /** A CONNECT with clean start, no properties and no certificate; {@code password} may be null. */
    public static RegisterContext register(MqttVersion version, String clientId, String username, String password) {
        return RegisterContext.builder().protocolVersion(version).peer(PEER).listener(LISTENER).clientId(clientId)
                .username(username).password(password == null ? null : Bytes.utf8(password)).build();
    }

    /** A QoS 0, not retained PUBLISH of a UTF-8 payload. */
    public static PublishContext publish(MqttVersion version, String clientId, String username, String topic, String payload) {
        return PublishContext.builder().protocolVersion(version).clientId(clientId).username(username).topic(topic)
                .payload(Bytes.utf8(payload)).build();
    }

    /** A SUBSCRIBE of {@code filters}, each at QoS 1. */
    public static SubscribeContext subscribe(MqttVersion version, String clientId, String username, String... filters) {
        return SubscribeContext.builder().protocolVersion(version).clientId(clientId).username(username)
                .topics(List.of(filters).stream().map(f -> TopicSubscription.of(f, 1)).toList()).build();
    }

    /** An UNSUBSCRIBE of {@code filters}. */
    public static UnsubscribeContext unsubscribe(MqttVersion version, String clientId, String username, String... filters) {
        return UnsubscribeContext.builder().protocolVersion(version).clientId(clientId).username(username)
                .topics(List.of(filters)).build();
    }

    /** A client on the default mountpoint, for the session notifications. */
    public static ClientContext client(String clientId) {
        return ClientContext.builder().clientId(clientId).build();
    }
}
