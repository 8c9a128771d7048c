package io.polyhook.provider.authcache;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.PoolRegistry;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.HookRegistrar;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Listener;
import io.polyhook.spi.ListenerType;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.Peer;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.Registration;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static io.polyhook.provider.authcache.Requests.USER;
import static io.polyhook.provider.authcache.Requests.acl;
import static io.polyhook.provider.authcache.Requests.client;
import static io.polyhook.provider.authcache.Requests.publish;
import static io.polyhook.provider.authcache.Requests.publishModifiers;
import static io.polyhook.provider.authcache.Requests.subscribe;
import static io.polyhook.provider.authcache.Requests.subscribeModifiers;
import static io.polyhook.provider.authcache.Requests.unsubscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * vmq_diversity_auth_cache_SUITE (reference §4.2) through a real registry and dispatcher: the
 * cache's shortcuts and clearing handlers installed, and Java handlers standing in for the
 * hooks of cache_test.lua.
 */
class AuthCachePluginTest {

    private static final HandlerOrigin SCRIPT = HandlerOrigin.script("cache_test.lua");
    private static final String ALLOWED = "allowed-subscriber-id";
    private static final String IGNORED = "ignored-subscriber-id";

    private final HookRegistry registry = new HookRegistry();
    private final HookDispatcher dispatcher = new HookDispatcher(registry, DispatchSettings.defaults());
    private final AuthCache cache = new AuthCache();
    private final DataProvider authCache = new AuthCacheProviderFactory(cache)
            .create(ProviderContext.of("auth_cache", Map.of(), PoolRegistry.create()));
    private final CountDownLatch offlineSeen = new CountDownLatch(1);
    private final AtomicBoolean entryWhenScriptWasTold = new AtomicBoolean(true);
    private ClientLane lane;

    @BeforeEach
    void installTheCacheAndTheScript() {
        new AuthCachePlugin(cache).install(registry);
        HookRegistrar script = registry.registrar(SCRIPT, 0);
        script.register(Hooks.AUTH_ON_REGISTER, reg -> {
            if (reg.clientId().equals(ALLOWED)) {
                List<Object> pub = List.of(acl("pattern", "a/b/c"), acl("pattern", "a/%m/%u/%c/+/#"),
                        acl("pattern", "modifiers", "modifiers", publishModifiers()));
                List<Object> sub = List.of(acl("pattern", "a/b/c"), acl("pattern", "a/%m/%u/%c/+/#"),
                        acl("pattern", "modifiers", "modifiers", subscribeModifiers()));
                authCache.functions().get("insert").call(Arguments.of("auth_cache.insert",
                        reg.mountpoint(), reg.clientId(), reg.username().orElseThrow(), pub, sub));
            }
            return Verdict.ok();
        });
        script.register(Hooks.AUTH_ON_PUBLISH, ctx -> Verdict.ok());
        script.register(Hooks.AUTH_ON_SUBSCRIBE, ctx -> Verdict.ok());
        script.register(Hooks.AUTH_ON_PUBLISH_M5, ctx -> Verdict.deny());
        script.register(Hooks.AUTH_ON_SUBSCRIBE_M5, ctx -> Verdict.deny());
        script.register(Hooks.ON_CLIENT_OFFLINE, ctx -> {
            entryWhenScriptWasTold.set(cache.entry(ctx.subscriberId()).isPresent());
            offlineSeen.countDown();
        });
    }

    @AfterEach
    void close() {
        dispatcher.close();
    }

    private <C extends HookContext, M extends Modifiers> ChainOutcome<M> chain(ChainHook<C, M> hook, C context) {
        return dispatcher.chain(lane, hook, context).toCompletableFuture().join();
    }

    private void register(String clientId) {
        lane = dispatcher.newLane(clientId);
        RegisterContext reg = new RegisterContext(MqttVersion.V3_1_1, new Peer("192.168.123.123", 12345),
                new Listener("127.0.0.1", 1883, ListenerType.MQTT), "", clientId, Optional.of(USER),
                Optional.of(Bytes.utf8("test-password")), true, MqttProperties.EMPTY, Optional.empty());
        assertThat(chain(Hooks.AUTH_ON_REGISTER, reg)).isInstanceOf(ChainOutcome.Allowed.class);
    }

    private static <M extends Modifiers> void allowedBy(ChainOutcome<M> outcome, HandlerOrigin origin, M modifiers) {
        assertThat(outcome).isEqualTo(new ChainOutcome.Allowed<>(Optional.ofNullable(modifiers), origin));
    }

    private static TopicSubscription sub(String filter, int qos) {
        return TopicSubscription.of(filter, qos);
    }

    @Test
    void authCacheTest() {
        register(ALLOWED);
        PublishModifiers v3 = PublishModifiers.builder().topic("hello/world").payload(Bytes.utf8("hello world")).qos(1)
                .retain(true).mountpoint("override-mountpoint2").build();

        allowedBy(chain(Hooks.AUTH_ON_PUBLISH, publish(ALLOWED, "a/b/c")), AuthCachePlugin.ORIGIN, null);
        allowedBy(chain(Hooks.AUTH_ON_PUBLISH, publish(ALLOWED, "a//test-user/allowed-subscriber-id/hello/world")),
                AuthCachePlugin.ORIGIN, null);
        allowedBy(chain(Hooks.AUTH_ON_SUBSCRIBE, subscribe(ALLOWED, sub("a/b/c", 0),
                sub("a//test-user/allowed-subscriber-id/+/world", 0))), AuthCachePlugin.ORIGIN, null);
        allowedBy(chain(Hooks.AUTH_ON_PUBLISH, publish(ALLOWED, "modifiers")), AuthCachePlugin.ORIGIN, v3);
        allowedBy(chain(Hooks.AUTH_ON_SUBSCRIBE, subscribe(ALLOWED, sub("modifiers", 1))), AuthCachePlugin.ORIGIN,
                SubscribeModifiers.of(sub("hello/world", 2)));
        allowedBy(chain(Hooks.AUTH_ON_SUBSCRIBE_M5, subscribe(MqttVersion.V5, ALLOWED, sub("modifiers", 1))),
                AuthCachePlugin.ORIGIN, SubscribeModifiers.of(sub("hello/world", 2)));
    }

    @Test
    void authCacheTestMqtt5PublishPropertiesAreMergedIntoTheMessagesByTheBroker() {
        register(ALLOWED);
        MqttProperties sent = MqttProperties.builder().addUserProperty("k1", "v1").addUserProperty("k1", "v2")
                .addUserProperty("k2", "v2").addUserProperty("k4", "v4").correlationData(Bytes.utf8("correlation_data"))
                .responseTopic("response/topic").contentType("input-content-type").build();

        ChainOutcome<PublishModifiers> outcome = chain(Hooks.AUTH_ON_PUBLISH_M5,
                publish(MqttVersion.V5, ALLOWED, "modifiers", 1, "hello", false, sent));

        assertThat(outcome).isInstanceOfSatisfying(ChainOutcome.Allowed.class, allowed -> {
            PublishModifiers m = (PublishModifiers) allowed.modifiers().orElseThrow();
            assertThat(m.topic()).contains("hello/world");
            assertThat(m.mountpoint()).contains("override-mountpoint2");
            assertThat(sent.merge(m.properties().orElseThrow())).isEqualTo(MqttProperties.builder()
                    .addUserProperty("k2", "v2").addUserProperty("k4", "v4")
                    .addUserProperty("k1", "v3").addUserProperty("k3", "v3")
                    .correlationData(Bytes.utf8("correlation_data")).responseTopic("response/topic")
                    .contentType("cache-content-type").build());
        });
    }

    @Test
    void authCacheTestUnsubscribeFollowsTheSubscribeRewrite() {
        register(ALLOWED);

        allowedBy(chain(Hooks.ON_UNSUBSCRIBE, unsubscribe(ALLOWED, "modifiers")), AuthCachePlugin.ORIGIN,
                UnsubscribeModifiers.of("hello/world"));
        allowedBy(chain(Hooks.ON_UNSUBSCRIBE, unsubscribe(ALLOWED, "a/b/c")), AuthCachePlugin.ORIGIN, null);
        assertThat(chain(Hooks.ON_UNSUBSCRIBE, unsubscribe(ALLOWED, "not/granted")))
                .isInstanceOf(ChainOutcome.Exhausted.class);
    }

    static Stream<String> rejectedPublishes() {
        return Stream.of("c/b/a", "a//not-my-user/allowed-subscriber-id/hello/world");
    }

    @ParameterizedTest
    @MethodSource("rejectedPublishes")
    void authCacheRejectTestPublish(String topic) {
        register(ALLOWED);

        assertThat(chain(Hooks.AUTH_ON_PUBLISH, publish(ALLOWED, topic))).isInstanceOfSatisfying(ChainOutcome.Denied.class,
                denied -> assertThat(denied.decidedBy()).isEqualTo(AuthCachePlugin.ORIGIN));
    }

    @Test
    void authCacheRejectTestOneBadFilterRejectsTheWholeSubscribe() {
        register(ALLOWED);

        assertThat(chain(Hooks.AUTH_ON_SUBSCRIBE, subscribe(ALLOWED, sub("c/b/a", 0), sub("a/b/c", 0))))
                .isInstanceOf(ChainOutcome.Denied.class);
    }

    @Test
    void authCachePassThroughTest() {
        register(IGNORED);

        allowedBy(chain(Hooks.AUTH_ON_PUBLISH, publish(IGNORED, "c/b/a")), SCRIPT, null);
        allowedBy(chain(Hooks.AUTH_ON_PUBLISH, publish(IGNORED, "a//not-my-user/allowed-subscriber-id/hello/world")),
                SCRIPT, null);
        allowedBy(chain(Hooks.AUTH_ON_SUBSCRIBE, subscribe(IGNORED, sub("c/b/a", 0), sub("a/b/c", 0))), SCRIPT, null);
    }

    @Test
    void authCacheCleanupTest() throws InterruptedException {
        assertThat(cache.entries()).isEmpty();
        register(ALLOWED);
        assertThat(cache.entries()).singleElement().satisfies(e -> {
            assertThat(e.publishPatterns()).hasSize(3);
            assertThat(e.subscribePatterns()).hasSize(3);
        });

        dispatcher.notify(lane, Hooks.ON_CLIENT_OFFLINE, new ClientContext("", ALLOWED));

        assertThat(offlineSeen.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(entryWhenScriptWasTold).isFalse();
        assertThat(cache.entries()).isEmpty();
    }

    static Stream<NotificationHook<ClientContext>> clearingHooks() {
        return Stream.of(Hooks.ON_CLIENT_OFFLINE, Hooks.ON_CLIENT_GONE, Hooks.ON_SESSION_EXPIRED);
    }

    @ParameterizedTest
    @MethodSource("clearingHooks")
    void eachEndOfASessionClearsTheClientsOldestEntryBeforeScriptsAreTold(NotificationHook<ClientContext> hook)
            throws InterruptedException {
        cache.insert(client("c"), USER, Requests.patterns("old"), null);
        cache.insert(client("c"), USER, Requests.patterns("new"), null);
        CountDownLatch told = new CountDownLatch(1);
        registry.registrar(HandlerOrigin.script("watch.lua"), 0).register(hook, ctx -> told.countDown());
        lane = dispatcher.newLane("c");

        dispatcher.notify(lane, hook, new ClientContext("", "c"));

        assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(cache.entry(client("c"))).get().satisfies(e -> {
            assertThat(e.versions()).isEqualTo(1);
            assertThat(e.publishPatterns()).containsExactly("new");
        });
    }

    @Test
    void theCacheAnswersBeforeAnyHandlerAndOnTheCallersThread() {
        register(ALLOWED);

        var stage = dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH_M5,
                publish(MqttVersion.V5, ALLOWED, "a/b/c", 0, "x", false, MqttProperties.EMPTY));

        assertThat(stage.toCompletableFuture()).isCompletedWithValue(
                new ChainOutcome.Allowed<>(Optional.empty(), AuthCachePlugin.ORIGIN));
    }

    @Test
    void closingTheInstallationRemovesShortcutsAndHandlers() {
        HookRegistry fresh = new HookRegistry();
        Registration installation = new AuthCachePlugin(cache).install(fresh);
        assertThat(fresh.has(Hooks.AUTH_ON_PUBLISH)).isTrue();
        assertThat(fresh.handlers(Hooks.ON_CLIENT_GONE)).containsExactly(AuthCachePlugin.ORIGIN);

        installation.close();

        for (ChainHook<?, ?> hook : List.of(Hooks.AUTH_ON_PUBLISH, Hooks.AUTH_ON_PUBLISH_M5, Hooks.AUTH_ON_SUBSCRIBE,
                Hooks.AUTH_ON_SUBSCRIBE_M5, Hooks.ON_UNSUBSCRIBE, Hooks.ON_UNSUBSCRIBE_M5)) {
            assertThat(fresh.has(hook)).as(hook.name()).isFalse();
        }
        assertThat(fresh.has(Hooks.ON_CLIENT_GONE)).isFalse();
    }

    @Test
    void anEmptyCacheWithoutHandlersMakesNoHookReadItsContext() {
        HookRegistry fresh = new HookRegistry();
        new AuthCachePlugin(cache).install(fresh);

        for (ChainHook<?, ?> hook : List.of(Hooks.AUTH_ON_PUBLISH, Hooks.AUTH_ON_PUBLISH_M5, Hooks.AUTH_ON_SUBSCRIBE,
                Hooks.AUTH_ON_SUBSCRIBE_M5, Hooks.ON_UNSUBSCRIBE, Hooks.ON_UNSUBSCRIBE_M5)) {
            assertThat(fresh.readsContext(hook)).as(hook.name()).isFalse();
        }
    }

    @Test
    void aCachedClientMakesTheShortcutsReadTheContextAgain() {
        HookRegistry fresh = new HookRegistry();
        new AuthCachePlugin(cache).install(fresh);

        cache.insert(client(ALLOWED), USER, List.of(), List.of());
        assertThat(fresh.readsContext(Hooks.AUTH_ON_PUBLISH)).isTrue();

        cache.invalidateAll();
        assertThat(fresh.readsContext(Hooks.AUTH_ON_PUBLISH)).isFalse();
    }

    @Test
    void installingTwiceFailsAndLeavesTheFirstInstallationAlone() {
        assertThatThrownBy(() -> new AuthCachePlugin(cache).install(registry)).isInstanceOf(IllegalStateException.class);

        assertThat(registry.handlers(Hooks.ON_CLIENT_OFFLINE)).containsExactly(AuthCachePlugin.ORIGIN, SCRIPT);
        assertThat(registry.has(Hooks.ON_UNSUBSCRIBE_M5)).isTrue();
    }
}
