package io.polyhook.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A SUBSCRIBE: the context of {@code auth_on_subscribe[_m5]} and {@code on_subscribe[_m5]}. Also
 * used when the broker re-authorizes a client's stored subscriptions (then with empty
 * properties).
 *
 * @param protocolVersion the MQTT version of the client
 * @param mountpoint      the mountpoint ({@code ""} for the default)
 * @param clientId        the client identifier
 * @param username        the user name, if any
 * @param topics          the filters in packet order with their requested QoS and options
 * @param properties      the SUBSCRIBE properties (MQTT 5), {@link MqttProperties#EMPTY} otherwise
 * @since 0.1
 */
public record SubscribeContext(MqttVersion protocolVersion, String mountpoint, String clientId,
                               Optional<String> username, List<TopicSubscription> topics,
                               MqttProperties properties) implements HookContext {

    /**
     * Checks every field is present; copies the topic list.
     *
     * @since 0.1
     */
    public SubscribeContext {
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(username, "username");
        topics = List.copyOf(topics);
        Objects.requireNonNull(properties, "properties");
    }
}
