package io.polyhook.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A message: the context of {@code auth_on_publish[_m5]}, {@code on_publish[_m5]} (the
 * publisher's view), {@code on_deliver[_m5]} (a subscriber's view) and {@code on_offline_message}
 * (a message queued for an offline session; no user name there).
 *
 * <p>The last will of a connecting client is authorized through {@code auth_on_publish} with this
 * context too.
 *
 * @param protocolVersion the MQTT version of the client the hook is about
 * @param mountpoint      the mountpoint ({@code ""} for the default)
 * @param clientId        the publisher's (or, for delivery hooks, the subscriber's) client id
 * @param username        that client's user name, if any
 * @param topic           the topic name
 * @param qos             0, 1 or 2
 * @param payload         the payload, read-only
 * @param retain          the retain flag
 * @param properties      the PUBLISH properties (MQTT 5), {@link MqttProperties#EMPTY} otherwise
 * @since 0.1
 */
public record PublishContext(MqttVersion protocolVersion, String mountpoint, String clientId,
                             Optional<String> username, String topic, int qos, Bytes payload, boolean retain,
                             MqttProperties properties) implements HookContext {

    /**
     * Checks every field is present and the QoS in range.
     *
     * @since 0.1
     */
    public PublishContext {
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(properties, "properties");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0..2, was " + qos);
        }
    }
}
