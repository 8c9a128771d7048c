package io.polyhook.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An UNSUBSCRIBE: the context of {@code on_unsubscribe[_m5]}, which may rewrite the filters.
 *
 * @param protocolVersion the MQTT version of the client
 * @param mountpoint      the mountpoint ({@code ""} for the default)
 * @param clientId        the client identifier
 * @param username        the user name, if any
 * @param topics          the topic filters in packet order
 * @param properties      the UNSUBSCRIBE properties (MQTT 5), {@link MqttProperties#EMPTY} otherwise
 * @since 0.1
 */
public record UnsubscribeContext(MqttVersion protocolVersion, String mountpoint, String clientId,
                                 Optional<String> username, List<String> topics, MqttProperties properties)
        implements HookContext {

    /**
     * Checks every field is present; copies the topic list.
     *
     * @since 0.1
     */
    public UnsubscribeContext {
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(username, "username");
        topics = List.copyOf(topics);
        Objects.requireNonNull(properties, "properties");
    }
}
