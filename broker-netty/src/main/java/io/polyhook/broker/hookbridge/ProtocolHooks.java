package io.polyhook.broker.hookbridge;

import io.polyhook.spi.ChainHook;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.UnsubscribeContext;
import io.polyhook.spi.UnsubscribeModifiers;

/**
 * The hook points a client is served by: the plain ones for MQTT 3.1 and 3.1.1, the {@code _m5}
 * variants for MQTT 5. Chosen once, when the CONNECT says which protocol the client speaks.
 *
 * @param authOnRegister  {@code auth_on_register[_m5]}
 * @param onRegister      {@code on_register[_m5]}
 * @param authOnPublish   {@code auth_on_publish[_m5]}
 * @param onPublish       {@code on_publish[_m5]}
 * @param authOnSubscribe {@code auth_on_subscribe[_m5]}
 * @param onSubscribe     {@code on_subscribe[_m5]}
 * @param onUnsubscribe   {@code on_unsubscribe[_m5]}
 * @param onDeliver       {@code on_deliver[_m5]}
 */
public record ProtocolHooks(ChainHook<RegisterContext, RegisterModifiers> authOnRegister,
                            NotificationHook<RegisterContext> onRegister,
                            ChainHook<PublishContext, PublishModifiers> authOnPublish,
                            NotificationHook<PublishContext> onPublish,
                            ChainHook<SubscribeContext, SubscribeModifiers> authOnSubscribe,
                            NotificationHook<SubscribeContext> onSubscribe,
                            ChainHook<UnsubscribeContext, UnsubscribeModifiers> onUnsubscribe,
                            ChainHook<PublishContext, DeliverModifiers> onDeliver) {

    /** MQTT 3.1 and 3.1.1. */
    public static final ProtocolHooks MQTT3 = new ProtocolHooks(Hooks.AUTH_ON_REGISTER, Hooks.ON_REGISTER,
            Hooks.AUTH_ON_PUBLISH, Hooks.ON_PUBLISH, Hooks.AUTH_ON_SUBSCRIBE, Hooks.ON_SUBSCRIBE, Hooks.ON_UNSUBSCRIBE,
            Hooks.ON_DELIVER);

    /** MQTT 5. */
    public static final ProtocolHooks MQTT5 = new ProtocolHooks(Hooks.AUTH_ON_REGISTER_M5, Hooks.ON_REGISTER_M5,
            Hooks.AUTH_ON_PUBLISH_M5, Hooks.ON_PUBLISH_M5, Hooks.AUTH_ON_SUBSCRIBE_M5, Hooks.ON_SUBSCRIBE_M5,
            Hooks.ON_UNSUBSCRIBE_M5, Hooks.ON_DELIVER_M5);

    /** The hooks that serve clients of {@code version}. */
    public static ProtocolHooks of(MqttVersion version) {
        return version.isMqtt5() ? MQTT5 : MQTT3;
    }
}
