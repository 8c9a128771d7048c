package io.polyhook.core.script.scenarios;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerSpec;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.core.script.internal.ScriptEngines;
import io.polyhook.core.script.internal.ScriptManager;
import io.polyhook.core.script.model.HookArguments;
import io.polyhook.spi.AuthModifiers;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.NotificationHandler;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.polyhook.core.script.scenarios.InlineScripts.handler;
import static io.polyhook.core.script.scenarios.VmqFixtures.ALLOWED;
import static io.polyhook.core.script.scenarios.VmqFixtures.CHANGED;
import static io.polyhook.core.script.scenarios.VmqFixtures.IGNORED;
import static io.polyhook.core.script.scenarios.VmqFixtures.NOT_ALLOWED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hook behaviour every script engine must show, run through the real registry, dispatcher and
 * script manager. A subclass names the engine, its file extension and a classpath directory of
 * scripts with the same base names in its language (for Lua: {@code scripts/lua}).
 *
 * <p>The first group is vmq_diversity's plugin suite (reference §4.1), one test per row,
 * driving {@code plugin_test}; the second covers errors and runaway code, which every engine must
 * contain the same way.
 *
 * <p>Both engines run it: engine-luaj and engine-graaljs.
 */
public abstract class EngineScenarios {

    private static final MqttVersion V3 = MqttVersion.V3_1_1;
    private static final MqttVersion V5 = MqttVersion.V5;

    /** The engine under test. */
    protected abstract ScriptEngine engine();

    /** The file extension of its scripts, without the dot. */
    protected abstract String extension();

    /** The classpath directory of its scenario scripts, e.g. {@code /scripts/lua}. */
    protected abstract String scriptDirectory();

    /** Engine settings for the scenarios; none by default. */
    protected Map<String, Object> settings() {
        return Map.of();
    }

    protected Probe probe;
    private HookRegistry registry;
    private HookDispatcher dispatcher;
    private ScriptManager manager;
    private ClientLane lane;

    @BeforeEach
    void startBroker() {
        probe = new Probe();
        registry = new HookRegistry();
        dispatcher = new HookDispatcher(registry, DispatchSettings.defaults());
        manager = new ScriptManager(registry, ScriptEngines.of(List.of(engine())), environment());
        lane = dispatcher.newLane("test");
    }

    @AfterEach
    void stopBroker() {
        manager.close();
        dispatcher.close();
    }

    protected ScriptEnvironment environment() {
        return new ScriptEnvironment(List.of(probe.provider(), Probe.offlineDb()), 4, Duration.ofSeconds(5), settings());
    }

    protected Path scripts() {
        URL url = getClass().getResource(scriptDirectory());
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    protected Path script(String name) {
        return scripts().resolve(name + "." + extension());
    }

    protected void load(String name) throws ScriptLoadException {
        manager.load(script(name));
    }

    protected <C extends HookContext, M extends Modifiers> ChainOutcome<M> chain(ChainHook<C, M> hook, C context)
            throws Exception {
        return dispatcher.chain(lane, hook, context).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    protected <C extends HookContext> void assertNotified(NotificationHook<C> hook, C context) throws Exception {
        dispatcher.notify(lane, hook, context);
        assertThat(probe.awaitHit(hook.name(), context.clientId()))
                .as("%s ran to its end (its asserts passed)", hook.name()).isTrue();
    }

    /** Loads a script straight from the engine, outside the manager, to look at its handlers. */
    protected LoadedScript loadDirectly(String name) throws ScriptLoadException {
        return engine().load(new ScriptSource(script(name), scripts()), environment());
    }

    private static <M extends Modifiers> M allowedWith(ChainOutcome<M> outcome) {
        assertThat(outcome).isInstanceOf(ChainOutcome.Allowed.class);
        Optional<M> modifiers = ((ChainOutcome.Allowed<M>) outcome).modifiers();
        assertThat(modifiers).isPresent();
        return modifiers.get();
    }

    private static void assertAllowedUnchanged(ChainOutcome<?> outcome) {
        assertThat(outcome).isInstanceOf(ChainOutcome.Allowed.class);
        assertThat(((ChainOutcome.Allowed<?>) outcome).modifiers()).isEmpty();
    }

    private static void assertDenied(ChainOutcome<?> outcome, ChainOutcome.Cause cause) {
        assertThat(outcome).isInstanceOf(ChainOutcome.Denied.class);
        assertThat(((ChainOutcome.Denied<?>) outcome).cause()).isEqualTo(cause);
    }

    // ---- reference §4.1: vmq_diversity_plugin_SUITE ----

    @Test
    void auth_on_register_decides_by_client_id() throws Exception {
        load("plugin_test");
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_REGISTER, VmqFixtures.register(ALLOWED)));
        assertDenied(chain(Hooks.AUTH_ON_REGISTER, VmqFixtures.register(NOT_ALLOWED)), ChainOutcome.Cause.VERDICT);
        assertThat(chain(Hooks.AUTH_ON_REGISTER, VmqFixtures.register(IGNORED))).isInstanceOf(ChainOutcome.Exhausted.class);
    }

    @Test
    void auth_on_register_changes_the_subscriber_id() throws Exception {
        load("plugin_test");
        RegisterModifiers m = allowedWith(chain(Hooks.AUTH_ON_REGISTER, VmqFixtures.register(CHANGED)));
        assertThat(m.subscriberId()).contains(new SubscriberId("override-mountpoint", "override-client-id"));
    }

    @Test
    void auth_on_register_sets_limits_as_integers() throws Exception {
        load("plugin_test");
        RegisterModifiers m = allowedWith(chain(Hooks.AUTH_ON_REGISTER, VmqFixtures.register("change-modifiers-id")));
        assertThat(m.limits()).containsOnly(Map.entry(RegisterModifiers.Limit.MAX_MESSAGE_SIZE, 1001L),
                Map.entry(RegisterModifiers.Limit.MAX_CONNECTION_LIFETIME, 4711L));
    }

    @Test
    void auth_on_register_changes_the_username() throws Exception {
        load("plugin_test");
        RegisterModifiers m = allowedWith(chain(Hooks.AUTH_ON_REGISTER, VmqFixtures.register("changed-username")));
        assertThat(m.username()).contains("override-username");
    }

    @Test
    void auth_on_register_sees_the_listener() throws Exception {
        load("plugin_test");
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_REGISTER, VmqFixtures.register("listener-info")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"V3_1_1", "V5"})
    void auth_on_register_sees_absent_credentials_as_nil(MqttVersion version) throws Exception {
        load("plugin_test");
        var hook = version == V5 ? Hooks.AUTH_ON_REGISTER_M5 : Hooks.AUTH_ON_REGISTER;
        assertAllowedUnchanged(chain(hook, VmqFixtures.registerWithoutCredentials(version)));
    }

    @Test
    void auth_on_publish_decides_by_client_id() throws Exception {
        load("plugin_test");
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(ALLOWED)));
        assertDenied(chain(Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(NOT_ALLOWED)), ChainOutcome.Cause.VERDICT);
        assertThat(chain(Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(IGNORED))).isInstanceOf(ChainOutcome.Exhausted.class);
        PublishModifiers m = allowedWith(chain(Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(CHANGED)));
        assertThat(m.topic()).contains("hello/world");
    }

    @ParameterizedTest
    @ValueSource(strings = {"invalid-topic", "unknown-modifier"})
    void invalid_modifiers_are_a_rejection(String clientId) throws Exception {
        load("plugin_test");
        assertDenied(chain(Hooks.AUTH_ON_PUBLISH_M5, VmqFixtures.publish(V5, clientId, 1, MqttProperties.EMPTY)),
                ChainOutcome.Cause.INVALID_MODIFIERS);
    }

    @Test
    void auth_on_subscribe_decides_by_client_id() throws Exception {
        load("plugin_test");
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_SUBSCRIBE, VmqFixtures.subscribe(ALLOWED)));
        assertDenied(chain(Hooks.AUTH_ON_SUBSCRIBE, VmqFixtures.subscribe(NOT_ALLOWED)), ChainOutcome.Cause.VERDICT);
        assertThat(chain(Hooks.AUTH_ON_SUBSCRIBE, VmqFixtures.subscribe(IGNORED))).isInstanceOf(ChainOutcome.Exhausted.class);
        SubscribeModifiers m = allowedWith(chain(Hooks.AUTH_ON_SUBSCRIBE, VmqFixtures.subscribe(CHANGED)));
        assertThat(m.topics()).containsExactly(TopicSubscription.of("hello/world", 2));
    }

    @Test
    void on_register_is_notified() throws Exception {
        load("plugin_test");
        assertNotified(Hooks.ON_REGISTER, VmqFixtures.register(ALLOWED));
    }

    @Test
    void on_publish_is_notified() throws Exception {
        load("plugin_test");
        assertNotified(Hooks.ON_PUBLISH, VmqFixtures.publish(ALLOWED));
    }

    @Test
    void on_subscribe_is_notified() throws Exception {
        load("plugin_test");
        assertNotified(Hooks.ON_SUBSCRIBE, VmqFixtures.subscribe(ALLOWED));
    }

    @Test
    void on_unsubscribe_passes_or_rewrites() throws Exception {
        load("plugin_test");
        assertThat(chain(Hooks.ON_UNSUBSCRIBE, VmqFixtures.unsubscribe(V3, ALLOWED, MqttProperties.EMPTY)))
                .isInstanceOf(ChainOutcome.Exhausted.class);
        UnsubscribeModifiers m = allowedWith(chain(Hooks.ON_UNSUBSCRIBE, VmqFixtures.unsubscribe(V3, CHANGED, MqttProperties.EMPTY)));
        assertThat(m.topics()).containsExactly("hello/world");
    }

    @Test
    void on_deliver_accepts() throws Exception {
        load("plugin_test");
        assertAllowedUnchanged(chain(Hooks.ON_DELIVER, VmqFixtures.publish(ALLOWED)));
    }

    @Test
    void on_offline_message_is_notified() throws Exception {
        load("plugin_test");
        assertNotified(Hooks.ON_OFFLINE_MESSAGE, VmqFixtures.publish(V3, ALLOWED, 2, MqttProperties.EMPTY));
    }

    @Test
    void client_lifecycle_hooks_are_notified() throws Exception {
        load("plugin_test");
        assertNotified(Hooks.ON_CLIENT_WAKEUP, VmqFixtures.client(ALLOWED));
        assertNotified(Hooks.ON_CLIENT_OFFLINE, VmqFixtures.client(ALLOWED));
        assertNotified(Hooks.ON_CLIENT_GONE, VmqFixtures.client(ALLOWED));
        assertNotified(Hooks.ON_SESSION_EXPIRED, VmqFixtures.client(ALLOWED));
    }

    @Test
    void auth_hooks_continue_on_script_error() throws Exception {
        load("auth_hooks_offline_db_test");
        load("plugin_test");
        // The failing script is asked first; the next one still decides.
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_REGISTER, VmqFixtures.register(ALLOWED)));
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(ALLOWED)));
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_SUBSCRIBE, VmqFixtures.subscribe(ALLOWED)));
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_REGISTER_M5, VmqFixtures.register(V5, ALLOWED, MqttProperties.EMPTY)));
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_PUBLISH_M5, VmqFixtures.publish(V5, ALLOWED, 1, MqttProperties.EMPTY)));
        // When nobody allows after the error, the error denies: it never widens access.
        assertDenied(chain(Hooks.AUTH_ON_REGISTER, VmqFixtures.register(IGNORED)), ChainOutcome.Cause.HANDLER_FAILED);
        assertDenied(chain(Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(IGNORED)), ChainOutcome.Cause.HANDLER_FAILED);
        assertDenied(chain(Hooks.AUTH_ON_SUBSCRIBE, VmqFixtures.subscribe(IGNORED)), ChainOutcome.Cause.HANDLER_FAILED);
        assertDenied(chain(Hooks.AUTH_ON_REGISTER_M5, VmqFixtures.register(V5, IGNORED, MqttProperties.EMPTY)),
                ChainOutcome.Cause.HANDLER_FAILED);
        assertDenied(chain(Hooks.AUTH_ON_PUBLISH_M5, VmqFixtures.publish(V5, IGNORED, 1, MqttProperties.EMPTY)),
                ChainOutcome.Cause.HANDLER_FAILED);
        assertDenied(chain(Hooks.AUTH_ON_SUBSCRIBE_M5, VmqFixtures.subscribeM5(IGNORED)), ChainOutcome.Cause.HANDLER_FAILED);
    }

    @Test
    void on_auth_m5_errors_deny_when_no_later_handler_allows() throws Exception {
        load("auth_hooks_offline_db_test");
        assertDenied(chain(Hooks.ON_AUTH_M5, VmqFixtures.auth(IGNORED, "AUTH_DATA0")), ChainOutcome.Cause.HANDLER_FAILED);
    }

    @Test
    void auth_on_register_m5_decides_and_modifies() throws Exception {
        load("plugin_test");
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_REGISTER_M5, VmqFixtures.register(V5, ALLOWED, MqttProperties.EMPTY)));
        assertDenied(chain(Hooks.AUTH_ON_REGISTER_M5, VmqFixtures.register(V5, NOT_ALLOWED, MqttProperties.EMPTY)),
                ChainOutcome.Cause.VERDICT);
        assertThat(chain(Hooks.AUTH_ON_REGISTER_M5, VmqFixtures.register(V5, IGNORED, MqttProperties.EMPTY)))
                .isInstanceOf(ChainOutcome.Exhausted.class);
        RegisterModifiers changed = allowedWith(chain(Hooks.AUTH_ON_REGISTER_M5,
                VmqFixtures.register(V5, CHANGED, MqttProperties.EMPTY)));
        assertThat(changed.subscriberId()).contains(new SubscriberId("override-mountpoint", "override-client-id"));
        RegisterModifiers user = allowedWith(chain(Hooks.AUTH_ON_REGISTER_M5,
                VmqFixtures.register(V5, "changed-username", MqttProperties.EMPTY)));
        assertThat(user.username()).contains("override-username");
    }

    @Test
    void auth_on_register_m5_sees_the_listener() throws Exception {
        load("plugin_test");
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_REGISTER_M5,
                VmqFixtures.register(V5, "listener-info-m5", MqttProperties.EMPTY)));
    }

    @Test
    void auth_on_register_m5_replaces_the_properties() throws Exception {
        load("plugin_test");
        RegisterModifiers m = allowedWith(chain(Hooks.AUTH_ON_REGISTER_M5,
                VmqFixtures.register(V5, "modify-props", VmqFixtures.connectProperties())));
        assertThat(m.properties()).contains(MqttProperties.builder().addUserProperty("k3", "v3")
                .sessionExpiryInterval(10).build());
    }

    @Test
    void on_register_m5_is_notified() throws Exception {
        load("plugin_test");
        assertNotified(Hooks.ON_REGISTER_M5, VmqFixtures.register(V5, ALLOWED, VmqFixtures.connectProperties()));
    }

    @Test
    void auth_on_publish_m5_decides_by_client_id() throws Exception {
        load("plugin_test");
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_PUBLISH_M5, VmqFixtures.publish(V5, ALLOWED, 1, MqttProperties.EMPTY)));
        assertDenied(chain(Hooks.AUTH_ON_PUBLISH_M5, VmqFixtures.publish(V5, NOT_ALLOWED, 1, MqttProperties.EMPTY)),
                ChainOutcome.Cause.VERDICT);
        assertThat(chain(Hooks.AUTH_ON_PUBLISH_M5, VmqFixtures.publish(V5, IGNORED, 1, MqttProperties.EMPTY)))
                .isInstanceOf(ChainOutcome.Exhausted.class);
        PublishModifiers m = allowedWith(chain(Hooks.AUTH_ON_PUBLISH_M5,
                VmqFixtures.publish(V5, CHANGED, 1, MqttProperties.EMPTY)));
        assertThat(m.topic()).contains("hello/world");
    }

    @Test
    void auth_on_publish_m5_modifies_the_properties() throws Exception {
        load("plugin_test");
        PublishModifiers m = allowedWith(chain(Hooks.AUTH_ON_PUBLISH_M5,
                VmqFixtures.publish(V5, "modify-props", 1, VmqFixtures.publishProperties())));
        assertThat(m.properties()).contains(VmqFixtures.modifiedPublishProperties());
        // The broker merges them into the message: reference §1.5.
        assertThat(VmqFixtures.publishProperties().merge(m.properties().orElseThrow()).userProperties())
                .extracting(u -> u.key() + ":" + u.value()).containsExactly("k2:v2", "k4:v4", "k1:v3", "k3:v3");
    }

    @Test
    void on_publish_m5_is_notified() throws Exception {
        load("plugin_test");
        assertNotified(Hooks.ON_PUBLISH_M5, VmqFixtures.publish(V5, ALLOWED, 1, MqttProperties.EMPTY));
    }

    @Test
    void on_deliver_m5_modifies_the_properties() throws Exception {
        load("plugin_test");
        DeliverModifiers m = allowedWith(chain(Hooks.ON_DELIVER_M5,
                VmqFixtures.publish(V5, ALLOWED, 1, VmqFixtures.publishProperties())));
        assertThat(m.properties()).contains(VmqFixtures.modifiedPublishProperties());
    }

    @Test
    void auth_on_subscribe_m5_decides_and_rewrites_with_options() throws Exception {
        load("plugin_test");
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_SUBSCRIBE_M5, VmqFixtures.subscribeM5(ALLOWED)));
        assertDenied(chain(Hooks.AUTH_ON_SUBSCRIBE_M5, VmqFixtures.subscribeM5(NOT_ALLOWED)), ChainOutcome.Cause.VERDICT);
        assertThat(chain(Hooks.AUTH_ON_SUBSCRIBE_M5, VmqFixtures.subscribeM5(IGNORED))).isInstanceOf(ChainOutcome.Exhausted.class);
        SubscribeModifiers m = allowedWith(chain(Hooks.AUTH_ON_SUBSCRIBE_M5, VmqFixtures.subscribeM5(CHANGED)));
        assertThat(m.topics()).containsExactly(new TopicSubscription("hello/world", 2,
                new SubscriptionOptions(true, false, RetainHandling.SEND_RETAIN, OptionalInt.empty())));
    }

    @Test
    void on_subscribe_m5_is_notified() throws Exception {
        load("plugin_test");
        assertNotified(Hooks.ON_SUBSCRIBE_M5, VmqFixtures.subscribeM5(ALLOWED));
    }

    @Test
    void on_unsubscribe_m5_rewrites() throws Exception {
        load("plugin_test");
        UnsubscribeModifiers m = allowedWith(chain(Hooks.ON_UNSUBSCRIBE_M5,
                VmqFixtures.unsubscribe(V5, CHANGED, MqttProperties.builder().addUserProperty("k1", "v1").build())));
        assertThat(m.topics()).containsExactly("hello/world");
    }

    @Test
    void on_auth_m5_returns_the_next_step() throws Exception {
        load("plugin_test");
        AuthModifiers m = allowedWith(chain(Hooks.ON_AUTH_M5, VmqFixtures.auth(ALLOWED, "AUTH_DATA0")));
        assertThat(m.authenticationMethod()).contains("AUTH_METHOD");
        assertThat(m.authenticationData()).contains(Bytes.utf8("AUTH_DATA1"));
    }

    // ---- errors and runaway code ----

    @Test
    void a_hook_error_names_file_and_line_and_never_the_password() throws Exception {
        LoadedScript script = loadDirectly("hook_error");
        var handler = handler(script, Hooks.AUTH_ON_REGISTER);
        assertThatThrownBy(() -> handler.handle(VmqFixtures.register(ALLOWED)))
                .hasMessageStartingWith(scriptName("hook_error") + ":")
                .hasMessageMatching(".*:\\d+: .*")
                .hasMessageNotContaining(VmqFixtures.PASSWORD);
        script.close();
    }

    @Test
    void a_rewrite_hook_error_stops_its_chain_with_the_message() throws Exception {
        load("hook_error");
        ChainOutcome<DeliverModifiers> outcome = chain(Hooks.ON_DELIVER, VmqFixtures.publish(ALLOWED));
        assertThat(outcome).isInstanceOf(ChainOutcome.Failed.class);
        assertThat(((ChainOutcome.Failed<?>) outcome).message()).matches(".*hook_error\\." + extension() + ":\\d+: .*boom.*");
    }

    @Test
    void a_provider_error_in_an_auth_hook_denies_when_no_later_handler_allows() throws Exception {
        load("auth_hooks_offline_db_test");
        assertDenied(chain(Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(ALLOWED)), ChainOutcome.Cause.HANDLER_FAILED);
    }

    @Test
    void an_endless_loop_in_a_hook_is_stopped_and_the_script_keeps_serving() throws Exception {
        LoadedScript script = loadDirectly("busy_hook");
        var handler = handler(script, Hooks.AUTH_ON_PUBLISH);
        assertThatThrownBy(() -> handler.handle(VmqFixtures.publish("spin")))
                .hasMessageMatching(".*busy_hook\\." + extension() + ":\\d+: .*");
        assertThat(handler.handle(VmqFixtures.publish(ALLOWED))).isEqualTo(Verdict.ok());
        script.close();
    }

    @Test
    void an_endless_loop_at_top_level_fails_the_load() {
        assertThatThrownBy(() -> loadDirectly("busy_top_level"))
                .isInstanceOf(ScriptLoadException.class)
                .hasMessageMatching(".*busy_top_level\\." + extension() + ":\\d+: .*");
    }

    @Test
    void an_error_at_top_level_fails_the_load_with_file_and_line() {
        assertThatThrownBy(() -> loadDirectly("top_level_error"))
                .isInstanceOf(ScriptLoadException.class)
                .hasMessageMatching(".*top_level_error\\." + extension() + ":3: .*")
                .satisfies(e -> assertThat(((ScriptLoadException) e).line()).hasValue(3));
    }

    @Test
    void a_syntax_error_fails_the_load_with_file_and_line() {
        assertThatThrownBy(() -> loadDirectly("syntax_error"))
                .isInstanceOf(ScriptLoadException.class)
                .satisfies(e -> assertThat(((ScriptLoadException) e).line()).hasValue(2));
    }

    @Test
    void entries_of_hooks_that_are_not_functions_are_ignored() throws Exception {
        LoadedScript script = loadDirectly("ignored_entries");
        assertThat(script.handlers()).extracting(HandlerSpec::hook).containsExactly(Hooks.AUTH_ON_PUBLISH);
        script.close();
    }

    @Test
    void providers_exchange_model_values() throws Exception {
        load("providers");
        assertAllowedUnchanged(chain(Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(ALLOWED)));
    }

    // ---- what a script sees: every hook's argument table ----

    static Stream<Arguments> everyHookWithEveryFieldAndWithout() {
        return Hooks.all().stream().flatMap(hook -> Stream.of(
                Arguments.of(hook, "every field", ArgumentFixtures.full(hook)),
                Arguments.of(hook, "absent fields", ArgumentFixtures.sparse(hook))));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("everyHookWithEveryFieldAndWithout")
    @SuppressWarnings("unchecked")
    void every_hook_gives_the_script_exactly_its_argument_table(Hook<?> hook, String fixture, HookContext context)
            throws Exception {
        LoadedScript script = loadDirectly("every_argument");
        try {
            Object handler = script.handlers().stream().filter(h -> h.hook() == hook).findFirst().orElseThrow().handler();
            if (handler instanceof ChainHandler<?, ?> chain) {
                ((ChainHandler<HookContext, ?>) chain).handle(context);
            } else {
                ((NotificationHandler<HookContext>) handler).handle(context);
            }
        } finally {
            script.close();
        }
        assertThat(probe.hits()).singleElement().satisfies(hit -> {
            assertThat(hit.name()).isEqualTo(hook.name());
            assertThat(ArgumentFixtures.roundTripped(hit.value()))
                    .isEqualTo(ArgumentFixtures.roundTripped(HookArguments.of(hook, context)));
        });
    }

    private String scriptName(String name) {
        return new ScriptSource(script(name), scripts()).displayName();
    }
}
