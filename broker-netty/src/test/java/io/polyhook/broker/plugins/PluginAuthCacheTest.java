package io.polyhook.broker.plugins;

import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.spi.AuthCacheView;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What a plugin reads from the broker's auth cache. */
class PluginAuthCacheTest {

    private final AuthCache cache = new AuthCache();
    private final AuthCacheView view = new PluginAuthCache(cache);
    private final SubscriberId alice = new SubscriberId("", "alice-1");

    private PublishContext publish(String topic) {
        return new PublishContext(MqttVersion.V5, "", "alice-1", Optional.of("alice"), topic, 0, Bytes.utf8("x"), false,
                MqttProperties.EMPTY);
    }

    @Test
    void aPluginReadsAClientsEntryAndTheCachesAnswers() {
        cache.insert(alice, "alice", List.of(Map.of("pattern", "a/#")), List.of(Map.of("pattern", "a/#")));

        AuthCacheView.Entry entry = view.entry(alice).orElseThrow();
        assertThat(entry.username()).isEqualTo("alice");
        assertThat(entry.publishPatterns()).containsExactly("a/#");
        assertThat(view.matchPublish(publish("a/b"))).isInstanceOf(Verdict.Ok.class);
        assertThat(view.matchPublish(publish("b/c"))).isInstanceOf(Verdict.Deny.class);
    }

    @Test
    void aClientWithoutAnEntryIsNextAndInvalidatingRemovesTheEntry() {
        assertThat(view.matchPublish(publish("a/b"))).isInstanceOf(Verdict.Next.class);

        cache.insert(alice, "alice", List.of(Map.of("pattern", "a/#")), List.of());
        assertThat(view.invalidate(alice)).isTrue();
        assertThat(view.entry(alice)).isEmpty();
    }
}
