package io.polyhook.core.script.fake;

import io.polyhook.spi.AuthContext;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
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

/** A plausible context for any hook point, for tests that care about the answer, not the request. */
public final class FakeContexts {

    private FakeContexts() {
    }

    /** A context of {@code hook}'s type for client {@code clientId}, MQTT 5 for {@code _m5} hooks. */
    public static <C extends HookContext> C sample(Hook<C> hook, String clientId) {
        MqttVersion version = hook.isMqtt5() ? MqttVersion.V5 : MqttVersion.V3_1_1;
        Optional<String> user = Optional.of("user");
        Class<C> type = hook.contextType();
        HookContext context;
        if (type == RegisterContext.class) {
            context = new RegisterContext(version, new Peer("127.0.0.1", 50000), new Listener("127.0.0.1", 1883,
                    ListenerType.MQTT), "", clientId, user, Optional.of(Bytes.utf8("secret")), true, MqttProperties.EMPTY,
                    Optional.empty());
        } else if (type == PublishContext.class) {
            context = new PublishContext(version, "", clientId, user, "a/b", 1, Bytes.utf8("hello"), false,
                    MqttProperties.EMPTY);
        } else if (type == SubscribeContext.class) {
            context = new SubscribeContext(version, "", clientId, user, List.of(TopicSubscription.of("a/#", 1)),
                    MqttProperties.EMPTY);
        } else if (type == UnsubscribeContext.class) {
            context = new UnsubscribeContext(version, "", clientId, user, List.of("a/#"), MqttProperties.EMPTY);
        } else if (type == AuthContext.class) {
            context = new AuthContext("", clientId, user, MqttProperties.EMPTY);
        } else {
            context = new ClientContext("", clientId);
        }
        return type.cast(context);
    }
}
