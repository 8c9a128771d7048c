package io.polyhook.provider.authcache;

import io.polyhook.core.hook.Ticker;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeContext;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Requests and ACL tables for the tests, with cache_test.lua's fixtures: user test-user, mountpoint "". */
final class Requests {

    static final String USER = "test-user";

    private Requests() {
    }

    static SubscriberId client(String clientId) {
        return new SubscriberId("", clientId);
    }

    static PublishContext publish(String clientId, String topic) {
        return publish(MqttVersion.V3_1_1, clientId, topic, 0, "hello", false, MqttProperties.EMPTY);
    }

    static PublishContext publish(MqttVersion version, String clientId, String topic, int qos, String payload,
                                  boolean retain, MqttProperties properties) {
        return new PublishContext(version, "", clientId, Optional.of(USER), topic, qos, Bytes.utf8(payload), retain,
                properties);
    }

    static SubscribeContext subscribe(String clientId, TopicSubscription... topics) {
        return subscribe(MqttVersion.V3_1_1, clientId, topics);
    }

    static SubscribeContext subscribe(MqttVersion version, String clientId, TopicSubscription... topics) {
        return new SubscribeContext(version, "", clientId, Optional.of(USER), List.of(topics), MqttProperties.EMPTY);
    }

    static UnsubscribeContext unsubscribe(String clientId, String... filters) {
        return new UnsubscribeContext(MqttVersion.V3_1_1, "", clientId, Optional.of(USER), List.of(filters),
                MqttProperties.EMPTY);
    }

    /** ACL tables with just a pattern each, as a script would pass them. */
    static List<Object> patterns(String... patterns) {
        return Arrays.stream(patterns).<Object>map(p -> Map.of("pattern", p)).toList();
    }

    /** One ACL table. */
    static Map<String, Object> acl(Object... keysAndValues) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** cache_test.lua's publish modifiers. */
    static Map<String, Object> publishModifiers() {
        return acl("topic", "hello/world", "payload", "hello world", "qos", 1L, "retain", true,
                "mountpoint", "override-mountpoint2",
                "properties", acl("p_content_type", "cache-content-type",
                        "p_user_property", List.of(Map.of("k1", "v3"), Map.of("k3", "v3"))));
    }

    /** cache_test.lua's subscribe modifiers. */
    static List<Object> subscribeModifiers() {
        return List.of(List.of("hello/world", 2L));
    }

    /** A clock the test moves. */
    static final class FakeTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }
}
