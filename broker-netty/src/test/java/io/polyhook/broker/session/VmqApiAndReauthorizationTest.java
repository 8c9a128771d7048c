package io.polyhook.broker.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.connection.EmbeddedCore;
import io.polyhook.broker.hooks.AuthCacheWatch;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.provider.authcache.AuthCachePlugin;
import io.polyhook.spi.HookRegistrar;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The vmq_api library and the re-authorization of live subscriptions (on demand and on auth-cache changes). */
class VmqApiAndReauthorizationTest {

    private final HookRegistry hooks = new HookRegistry();
    // Anonymous clients; no_match unset: a hook with handlers that all say next denies.
    private final EmbeddedCore core = new EmbeddedCore(BrokerSettings.DEFAULT.withAllowAnonymous(true)
            .withNoMatch(io.polyhook.broker.config.NoMatch.DENY_WHEN_HANDLED), hooks, null);
    private final SubscriptionTree tree = core.tree;
    private final SessionRegistry sessions = core.sessions;
    private final HookRegistrar registrar = hooks.registrar(HandlerOrigin.plugin("test"), 0);
    private final DataProvider vmqApi = new VmqApiProviderFactory(new io.polyhook.broker.plugins.SessionActions(sessions)).create(null);

    @AfterEach
    void tearDown() {
        core.close();
    }

    private Object call(String function, Object... args) {
        return vmqApi.functions().get(function).call(Arguments.of(function, args));
    }

    /** A connected MQTT 5 client subscribed to {@code filters} at QoS 1. */
    private EmbeddedChannel client(String id, String... filters) throws InterruptedException {
        EmbeddedChannel ch = core.channel();
        ch.writeInbound(MqttMessageBuilders.connect().clientId(id).protocolVersion(MqttVersion.MQTT_3_1_1)
                .cleanSession(true).build());
        release(outbound(ch, 1));
        for (String f : filters) {
            ch.writeInbound(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, f).build());
            release(outbound(ch, 1));
        }
        return ch;
    }

    private static void release(List<Object> packets) {
        packets.forEach(ReferenceCountUtil::release);
    }

    /** Runs the channel's tasks until {@code n} packets went out, waiting for answers from hook threads (at most 15 s each). */
    private List<Object> outbound(EmbeddedChannel ch, int n) throws InterruptedException {
        return core.outbound(ch, n);
    }

    private static Map<String, Object> sid(String clientId) {
        return Map.of("mountpoint", "", "client_id", clientId);
    }

    @Test
    void disconnectBySubscriberIdClosesTheConnection() throws Exception {
        EmbeddedChannel ch = client("victim");
        assertThat(call("disconnect_by_subscriber_id", sid("victim"), Map.of("do_cleanup", false))).isEqualTo("ok");
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void disconnectWithCleanupDiscardsTheSession() throws Exception {
        client("gone", "a/b");
        assertThat(call("disconnect_by_subscriber_id", sid("gone"), Map.of("do_cleanup", true))).isEqualTo("ok");
        assertThat(sessions.contains(new SubscriberId("", "gone"))).isFalse();
        assertThat(tree.size("")).isZero();
    }

    @Test
    void disconnectOfAnUnknownClientIsNotFound() {
        assertThat(call("disconnect_by_subscriber_id", sid("nobody"), Map.of())).isEqualTo("not_found");
    }

    @Test
    void disconnectWithoutClientIdIsAnError() {
        assertThatThrownBy(() -> call("disconnect_by_subscriber_id", Map.of("mountpoint", ""), Map.of()))
                .isInstanceOf(ProviderException.class).hasMessageContaining("client_id");
    }

    @Test
    void publishRoutesAMessageAsTheBroker() throws Exception {
        EmbeddedChannel ch = client("reader", "news/#");
        assertThat(call("publish", "news/1", "hello", 1L, false)).isEqualTo(true);
        List<Object> got = outbound(ch, 1);
        assertThat(got).singleElement().isInstanceOfSatisfying(MqttPublishMessage.class, p -> {
            assertThat(p.variableHeader().topicName()).isEqualTo("news/1");
            assertThat(p.payload().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        });
        release(got);
    }

    @Test
    void publishIntoAnotherMountpointDoesNotReachTheDefaultOne() throws Exception {
        EmbeddedChannel ch = client("reader", "t");
        call("publish", "t", "elsewhere", 0L, false, Map.of("mountpoint", "other"));
        call("publish", "t", "here", 0L, false);
        List<Object> got = outbound(ch, 1);
        assertThat(((MqttPublishMessage) got.get(0)).payload().toString(StandardCharsets.UTF_8)).isEqualTo("here");
        release(got);
    }

    @Test
    void publishRejectsAWildcardTopicAndAnInvalidQos() {
        assertThatThrownBy(() -> call("publish", "a/#", "x", 0L, false)).isInstanceOf(ProviderException.class);
        assertThatThrownBy(() -> call("publish", "a", "x", 3L, false)).isInstanceOf(ProviderException.class);
    }

    @Test
    void publishRejectsAnUnknownProperty() {
        assertThatThrownBy(() -> call("publish", "a", "x", 0L, false, Map.of("p_no_such_thing", 1L)))
                .isInstanceOf(ProviderException.class);
    }

    @Test
    void reauthorizeSubscriptionsRemovesThoseNowDenied() throws Exception {
        AtomicBoolean denySecret = new AtomicBoolean();
        registrar.register(Hooks.AUTH_ON_SUBSCRIBE, sc -> denySecret.get()
                && sc.topics().get(0).filter().startsWith("secret") ? Verdict.deny() : Verdict.ok());
        client("watched", "secret/#", "public/#");
        assertThat(tree.size("")).isEqualTo(2);
        denySecret.set(true);
        assertThat(call("reauthorize_subscriptions", "user", sid("watched"), Map.of())).isEqualTo("ok");
        reauthorizationsApplied("watched");
        assertThat(tree.size("")).isEqualTo(1);
        assertThat(tree.match("", "public/x")).containsKey(new SubscriberId("", "watched"));
        assertThat(tree.match("", "secret/x")).isEmpty();
    }

    @Test
    void anAuthCacheChangeReauthorizesTheClientsSubscriptions() throws Exception {
        AuthCache cache = new AuthCache();
        var installed = new AuthCachePlugin(cache).install(hooks);
        AuthCacheWatch watch = new AuthCacheWatch(cache, sessions);
        client("cached", "allowed/x", "revoked/x");
        assertThat(tree.size("")).isEqualTo(2);
        // New ACLs for the client: only allowed/# may be subscribed any more.
        cache.insert(new SubscriberId("", "cached"), "u", List.of(), List.of(Map.of("pattern", "allowed/#")));
        reauthorizationsApplied("cached");
        assertThat(tree.size("")).isEqualTo(1);
        assertThat(tree.match("", "allowed/x")).containsKey(new SubscriberId("", "cached"));
        watch.close();
        installed.close();
    }

    /**
     * Returns once every re-authorization queued so far for {@code clientId} is applied: one more
     * runs on the client's lane after them, and its answer comes after theirs.
     */
    private void reauthorizationsApplied(String clientId) throws Exception {
        sessions.reauthorizeSubscriptions(new SubscriberId("", clientId), Optional.empty()).toCompletableFuture()
                .get(15, TimeUnit.SECONDS);
    }
}
