package io.polyhook.testing;

import io.polyhook.spi.Bytes;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Listener;
import io.polyhook.spi.ListenerType;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.Peer;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeContext;

import java.util.List;
import java.util.Optional;

/**
 * Contexts for the common cases, with the values a broker would fill in for a plain client on
 * the default mountpoint of a TCP listener: build the rest with the records' constructors.
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
        return new RegisterContext(version, PEER, LISTENER, "", clientId, Optional.ofNullable(username),
                Optional.ofNullable(password).map(Bytes::utf8), true, MqttProperties.EMPTY, Optional.empty());
    }

    /** A QoS 0, not retained PUBLISH of a UTF-8 payload. */
    public static PublishContext publish(MqttVersion version, String clientId, String username, String topic, String payload) {
        return new PublishContext(version, "", clientId, Optional.ofNullable(username), topic, 0, Bytes.utf8(payload),
                false, MqttProperties.EMPTY);
    }

    /** A SUBSCRIBE of {@code filters}, each at QoS 1. */
    public static SubscribeContext subscribe(MqttVersion version, String clientId, String username, String... filters) {
        return new SubscribeContext(version, "", clientId, Optional.ofNullable(username),
                List.of(filters).stream().map(f -> TopicSubscription.of(f, 1)).toList(), MqttProperties.EMPTY);
    }

    /** An UNSUBSCRIBE of {@code filters}. */
    public static UnsubscribeContext unsubscribe(MqttVersion version, String clientId, String username, String... filters) {
        return new UnsubscribeContext(version, "", clientId, Optional.ofNullable(username), List.of(filters),
                MqttProperties.EMPTY);
    }

    /** A client on the default mountpoint, for the session notifications. */
    public static ClientContext client(String clientId) {
        return new ClientContext("", clientId);
    }
}
