package io.polyhook.core.hook.internal;

import io.polyhook.spi.Bytes;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PublishContext;

import java.util.Optional;

/** Small contexts for dispatcher tests. */
final class Contexts {

    private Contexts() {
    }

    static PublishContext publish(String clientId, String topic) {
        return new PublishContext(MqttVersion.V3_1_1, "", clientId, Optional.of("user"), topic, 0,
                Bytes.utf8("hello"), false, MqttProperties.EMPTY);
    }

    static ClientContext client(String clientId) {
        return new ClientContext("", clientId);
    }
}
