package io.polyhook.core.script.scenarios;

import io.polyhook.spi.AuthContext;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Listener;
import io.polyhook.spi.ListenerType;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PayloadFormat;
import io.polyhook.spi.Peer;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeContext;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The fixtures of vmq_diversity's plugin suite (reference §4.1): peer 192.168.123.123:12345,
 * mountpoint "", user test-user / test-password, topic test/topic, payload "hello world", QoS 1.
 */
public final class VmqFixtures {

    public static final String ALLOWED = "allowed-subscriber-id";
    public static final String NOT_ALLOWED = "not-allowed-subscriber-id";
    public static final String IGNORED = "ignored-subscriber-id";
    public static final String CHANGED = "changed-subscriber-id";
    public static final String PASSWORD = "test-password";

    private VmqFixtures() {
    }

    public static RegisterContext register(String clientId) {
        return register(MqttVersion.V3_1_1, clientId, MqttProperties.EMPTY);
    }

    public static RegisterContext register(MqttVersion version, String clientId, MqttProperties properties) {
        return new RegisterContext(version, new Peer("192.168.123.123", 12345), new Listener("127.0.0.1", 1883,
                ListenerType.MQTT), "", clientId, Optional.of("test-user"), Optional.of(Bytes.utf8(PASSWORD)), true,
                properties, Optional.empty());
    }

    public static RegisterContext registerWithoutCredentials(MqttVersion version) {
        return new RegisterContext(version, new Peer("192.168.123.123", 12345), new Listener("127.0.0.1", 1883,
                ListenerType.MQTT), "", "undefined_creds", Optional.empty(), Optional.empty(), true,
                MqttProperties.EMPTY, Optional.empty());
    }

    public static PublishContext publish(String clientId) {
        return publish(MqttVersion.V3_1_1, clientId, 1, MqttProperties.EMPTY);
    }

    public static PublishContext publish(MqttVersion version, String clientId, int qos, MqttProperties properties) {
        return new PublishContext(version, "", clientId, Optional.of("test-user"), "test/topic", qos,
                Bytes.utf8("hello world"), false, properties);
    }

    public static SubscribeContext subscribe(String clientId) {
        return new SubscribeContext(MqttVersion.V3_1_1, "", clientId, Optional.of("test-user"),
                List.of(TopicSubscription.of("test/topic", 1)), MqttProperties.EMPTY);
    }

    public static SubscribeContext subscribeM5(String clientId) {
        return new SubscribeContext(MqttVersion.V5, "", clientId, Optional.of("test-user"),
                List.of(new TopicSubscription("test/topic", 1,
                        new SubscriptionOptions(true, false, RetainHandling.SEND_RETAIN, OptionalInt.empty()))),
                MqttProperties.builder().addUserProperty("k1", "v1").addSubscriptionIdentifier(1)
                        .addSubscriptionIdentifier(2).addSubscriptionIdentifier(3).build());
    }

    public static UnsubscribeContext unsubscribe(MqttVersion version, String clientId, MqttProperties properties) {
        return new UnsubscribeContext(version, "", clientId, Optional.of("test-user"), List.of("test/topic"), properties);
    }

    public static AuthContext auth(String clientId, String data) {
        return new AuthContext("", clientId, Optional.of("test-user"), MqttProperties.builder()
                .authenticationMethod("AUTH_METHOD").authenticationData(Bytes.utf8(data)).build());
    }

    public static ClientContext client(String clientId) {
        return new ClientContext("", clientId);
    }

    /** The CONNECT properties of auth_on_register_m5_modify_props_test. */
    public static MqttProperties connectProperties() {
        return MqttProperties.builder().sessionExpiryInterval(5).receiveMaximum(10).topicAliasMaximum(15)
                .requestResponseInformation(true).requestProblemInformation(true)
                .addUserProperty("k1", "v1").addUserProperty("k1", "v2").addUserProperty("k2", "v2").build();
    }

    /** The PUBLISH properties of auth_on_publish_m5_modify_props_test. */
    public static MqttProperties publishProperties() {
        return MqttProperties.builder().addUserProperty("k1", "v1").addUserProperty("k1", "v2")
                .addUserProperty("k2", "v2").addUserProperty("k4", "v4")
                .correlationData(Bytes.utf8("correlation_data")).responseTopic("response/topic")
                .payloadFormat(PayloadFormat.UTF8).contentType("content_type").build();
    }

    /** The properties the modify-props scripts return for publish and deliver. */
    public static MqttProperties modifiedPublishProperties() {
        return MqttProperties.builder().addUserProperty("k1", "v3").addUserProperty("k3", "v3")
                .correlationData(Bytes.utf8("modified_correlation_data")).responseTopic("modified/response/topic")
                .payloadFormat(PayloadFormat.UNSPECIFIED).contentType("modified_content_type").build();
    }
}
