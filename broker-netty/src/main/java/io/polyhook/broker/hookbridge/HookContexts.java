package io.polyhook.broker.hookbridge;

import io.polyhook.broker.routing.Message;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;

import java.util.Optional;

/**
 * The one place where a broker {@link Message} becomes a hook's {@link PublishContext}, and where
 * the modifiers of {@code auth_on_publish} and {@code on_deliver} are applied to a message.
 * (The modifiers are validated for their hook by the dispatcher before they get here.)
 */
public final class HookContexts {

    private HookContexts() {
    }

    /**
     * {@code message} as {@code auth_on_publish}, {@code on_publish}, {@code on_deliver} and
     * {@code on_offline_message} see it, about client {@code clientId} of {@code mountpoint}.
     */
    public static PublishContext publish(MqttVersion version, String mountpoint, String clientId,
                                         Optional<String> username, Message message) {
        return new PublishContext(version, mountpoint, clientId, username, message.topic(), message.qos(),
                message.payload(), message.retain(), message.properties());
    }

    /** {@code m} rewritten by {@code auth_on_publish}: topic, payload, properties (merged), QoS and retain. */
    public static Message applyPublish(Message m, PublishModifiers mods) {
        MqttProperties props = mods.properties().map(m.properties()::merge).orElse(m.properties());
        Message out = m.rewritten(mods.topic().orElse(m.topic()), mods.payload().orElse(m.payload()), props);
        return out.withQosAndRetain(mods.qos().orElse(m.qos()), mods.retain().orElse(m.retain()));
    }

    /** {@code m} rewritten by {@code on_deliver}: topic, payload and properties (merged). */
    public static Message applyDeliver(Message m, DeliverModifiers mods) {
        return m.rewritten(mods.topic().orElse(m.topic()), mods.payload().orElse(m.payload()),
                mods.properties().map(m.properties()::merge).orElse(m.properties()));
    }
}
