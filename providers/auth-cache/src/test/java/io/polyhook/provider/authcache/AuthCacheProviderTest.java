package io.polyhook.provider.authcache;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.PoolRegistry;
import io.polyhook.core.provider.ProviderCatalog;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.polyhook.provider.authcache.Requests.USER;
import static io.polyhook.provider.authcache.Requests.acl;
import static io.polyhook.provider.authcache.Requests.client;
import static io.polyhook.provider.authcache.Requests.patterns;
import static io.polyhook.provider.authcache.Requests.publishModifiers;
import static io.polyhook.provider.authcache.Requests.subscribeModifiers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The {@code auth_cache} library as scripts call it (reference §2.15, §4.2 cache_test.lua). */
class AuthCacheProviderTest {

    private final Requests.FakeTicker ticker = new Requests.FakeTicker();
    private final AuthCache cache = AuthCache.builder().ticker(ticker).build();
    private final DataProvider authCache = start(new AuthCacheProviderFactory(cache), Map.of());

    private static DataProvider start(AuthCacheProviderFactory factory, Map<String, ?> settings) {
        return factory.create(ProviderContext.of(factory.name(), settings, PoolRegistry.create()));
    }

    private Object call(String function, Object... args) {
        return authCache.functions().get(function).call(Arguments.of("auth_cache." + function, args));
    }

    private Object matchPublish(String clientId, String topic, long qos, String payload, boolean retain) {
        return call("match_publish", "", clientId, topic, qos, payload, retain);
    }

    private Object matchSubscribe(String clientId, String filter, long qos) {
        return call("match_subscribe", "", clientId, filter, qos);
    }

    @Test
    void cacheTestLuaPlainAcls() {
        List<Object> acls = patterns("a/+/c", "c/#");
        assertThat(call("insert", "", "test-client", USER, acls, acls)).isEqualTo(true);

        assertThat(matchSubscribe("test-client", "a/+/c", 1)).isEqualTo(true);
        assertThat(matchSubscribe("test-client", "a/b/c", 1)).isEqualTo(true);
        assertThat(matchSubscribe("test-client", "c/b/a", 1)).isEqualTo(true);
        assertThat(matchSubscribe("test-client", "a/b/d", 1)).isEqualTo(false);
        assertThat(matchSubscribe("test-client", "d/d/d", 1)).isEqualTo(false);
        assertThat(matchPublish("test-client", "a/b/c", 1, "hello", false)).isEqualTo(true);
        assertThat(matchPublish("test-client", "c/b/a", 1, "hello", false)).isEqualTo(true);
        assertThat(matchPublish("test-client", "a/b/d", 1, "hello", false)).isEqualTo(false);
        assertThat(matchPublish("test-client", "d/d/d", 1, "hello", false)).isEqualTo(false);
    }

    @Test
    void cacheTestLuaComplexAcls() {
        List<Object> acls = List.of(acl("pattern", "a/+/c", "max_qos", 1L, "max_payload_size", 5L, "allowed_retain", false));
        assertThat(call("insert", "", "test-client-complex", USER, acls, acls)).isEqualTo(true);

        assertThat(matchSubscribe("test-client-complex", "a/+/c", 2)).isEqualTo(false);
        assertThat(matchSubscribe("test-client-complex", "a/+/c", 1)).isEqualTo(true);
        assertThat(matchPublish("test-client-complex", "a/b/c", 2, "hello", false)).isEqualTo(false);
        assertThat(matchPublish("test-client-complex", "a/b/c", 1, "hello world", false)).isEqualTo(false);
        assertThat(matchPublish("test-client-complex", "a/b/c", 1, "hello", true)).isEqualTo(false);
        assertThat(matchPublish("test-client-complex", "a/b/c", 1, "hello", false)).isEqualTo(true);
    }

    @Test
    void cacheTestLuaModifiers() {
        assertThat(call("insert", "", "test-client-modifiers", USER,
                List.of(acl("pattern", "a/+/c", "modifiers", publishModifiers())),
                List.of(acl("pattern", "a/+/c", "modifiers", subscribeModifiers())))).isEqualTo(true);

        assertThat(matchSubscribe("test-client-modifiers", "a/+/c", 1)).isEqualTo(List.of(List.of("hello/world", 2L)));
        assertThat(matchPublish("test-client-modifiers", "a/b/c", 2, "hello", false)).isEqualTo(publishModifiers());
    }

    @Test
    void matchingAClientWithoutEntryGivesFalse() {
        assertThat(matchPublish("nobody", "a", 0, "", false)).isEqualTo(false);
        assertThat(matchSubscribe("nobody", "a", 0)).isEqualTo(false);
    }

    @Test
    void binaryPayloadsAreMeasuredInBytes() {
        call("insert", "", "c", USER, List.of(acl("pattern", "t", "max_payload_size", 2L)), null);

        assertThat(call("match_publish", "", "c", "t", 0L, new byte[] {1, 2}, false)).isEqualTo(true);
        assertThat(call("match_publish", "", "c", "t", 0L, new byte[] {1, 2, 3}, false)).isEqualTo(false);
    }

    @Test
    void anInsertMayGiveItsOwnTtl() {
        call("insert", "", "c", USER, patterns("t"), null, Map.of("ttl", 30L));

        ticker.advance(Duration.ofSeconds(30));

        assertThat(matchPublish("c", "t", 0, "", false)).isEqualTo(false);
    }

    @Test
    void invalidateByClientIdInTheDefaultMountpoint() {
        call("insert", "", "c", USER, patterns("t"), null);

        assertThat(call("invalidate", Map.of("client_id", "c"))).isEqualTo(1L);
        assertThat(call("invalidate", Map.of("client_id", "c"))).isEqualTo(0L);
        assertThat(matchPublish("c", "t", 0, "", false)).isEqualTo(false);
    }

    @Test
    void invalidateByClientIdInAMountpoint() {
        call("insert", "tenant", "c", USER, patterns("t"), null);

        assertThat(call("invalidate", Map.of("client_id", "c"))).isEqualTo(0L);
        assertThat(call("invalidate", Map.of("client_id", "c", "mountpoint", "tenant"))).isEqualTo(1L);
    }

    @Test
    void invalidateByUsername() {
        call("insert", "", "c1", "alice", patterns("t"), null);
        call("insert", "tenant", "c2", "alice", patterns("t"), null);
        call("insert", "", "c3", "bob", patterns("t"), null);

        assertThat(call("invalidate", Map.of("username", "alice"))).isEqualTo(2L);
        assertThat(cache.size()).isEqualTo(1);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> badArguments() {
        List<Object> acls = patterns("t");
        return Stream.of(
                arguments("insert", new Object[] {null, "c", "u", acls, acls},
                        "auth_cache.insert: bad argument #1 (mountpoint: string expected, got nil)"),
                arguments("insert", new Object[] {"", 5L, "u", acls, acls},
                        "auth_cache.insert: bad argument #2 (client_id: string expected, got number)"),
                arguments("insert", new Object[] {"", "c"},
                        "auth_cache.insert: bad argument #3 (username: string expected, got no value)"),
                arguments("insert", new Object[] {"", "c", "u", "a/b", acls},
                        "auth_cache.insert: bad argument #4 (publish_acls: array of ACL tables or nil expected, got string)"),
                arguments("insert", new Object[] {"", "c", "u", acls, Map.of("pattern", "x")},
                        "auth_cache.insert: bad argument #5 (subscribe_acls: array of ACL tables or nil expected, got table)"),
                arguments("insert", new Object[] {"", "c", "u", acls, acls, 10L},
                        "auth_cache.insert: bad argument #6 (options: table expected, got number)"),
                arguments("insert", new Object[] {"", "c", "u", acls, acls, Map.of("ttl", 0L)},
                        "auth_cache.insert: bad argument #6 (options.ttl: must be a number of seconds greater than 0, got 0)"),
                arguments("insert", new Object[] {"", "c", "u", acls, acls, Map.of("ttl", "10m")},
                        "auth_cache.insert: bad argument #6 (options.ttl: number of seconds expected, got string)"),
                arguments("match_publish", new Object[] {"", "c", "t", 3L, "p", false},
                        "auth_cache.match_publish: bad argument #4 (qos: integer 0..2 expected, got 3)"),
                arguments("match_publish", new Object[] {"", "c", "t", 1L, 5L, false},
                        "auth_cache.match_publish: bad argument #5 (payload: string expected, got number)"),
                arguments("match_publish", new Object[] {"", "c", "t", 1L, "p"},
                        "auth_cache.match_publish: bad argument #6 (retain: boolean expected, got no value)"),
                arguments("match_subscribe", new Object[] {"", "c", true, 1L},
                        "auth_cache.match_subscribe: bad argument #3 (topic_filter: string expected, got boolean)"),
                arguments("match_subscribe", new Object[] {"", "c", "t", 1.5},
                        "auth_cache.match_subscribe: bad argument #4 (qos: integer 0..2 expected, got number)"),
                arguments("invalidate", new Object[] {"c"},
                        "auth_cache.invalidate: bad argument #1 (selector: table {client_id = ..., mountpoint = ...} or {username = ...} expected, got string)"),
                arguments("invalidate", new Object[] {Map.of("client_id", "c", "username", "u")},
                        "auth_cache.invalidate: bad argument #1 (selector: exactly one of client_id and username expected)"),
                arguments("invalidate", new Object[] {Map.of("mountpoint", "")},
                        "auth_cache.invalidate: bad argument #1 (selector: exactly one of client_id and username expected)"),
                arguments("invalidate", new Object[] {Map.of("clientid", "c")},
                        "auth_cache.invalidate: bad argument #1 (selector: unknown keys [clientid] (client_id, username, mountpoint expected))"),
                arguments("invalidate", new Object[] {Map.of("client_id", 1L)},
                        "auth_cache.invalidate: bad argument #1 (selector.client_id: string expected, got number)"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("badArguments")
    void badArgumentsRaiseAnErrorNamingTheFunctionAndTheArgument(String function, Object[] args, String message) {
        assertThatThrownBy(() -> call(function, args)).isInstanceOf(ProviderException.class).hasMessage(message);
    }

    @Test
    void theConfiguredTtlBecomesTheCachesDefault() {
        start(new AuthCacheProviderFactory(cache), Map.of("providers", Map.of("auth_cache", Map.of("ttl", "10m"))));

        assertThat(cache.defaultTtl()).contains(Duration.ofMinutes(10));
    }

    @Test
    void aBadConfiguredTtlStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> start(new AuthCacheProviderFactory(cache),
                Map.of("providers", Map.of("auth_cache", Map.of("ttl", "soon")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("providers.auth_cache.ttl: a positive duration such as \"10m\" expected (units ms, s, m, h, d), got 'soon'");
    }

    @Test
    void theServiceLoaderFindsTheLibraryWithACacheOfItsOwn() {
        try (ProviderCatalog catalog = ProviderCatalog.builder().discover(getClass().getClassLoader()).start()) {
            assertThat(catalog.provider("auth_cache")).get().extracting(p -> p.functions().keySet())
                    .isEqualTo(Set.of("insert", "match_publish", "match_subscribe", "invalidate"));
        }
    }
}
