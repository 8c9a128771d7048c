package io.polyhook.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.polyhook.broker.config.BrokerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static io.polyhook.it.PublishSubscribeTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * vmq_diversity's {@code vmq_diversity_auth_cache_SUITE} (reference §4.2) end to end: the
 * four cases auth_cache_test, auth_cache_reject_test, auth_cache_pass_through_test and
 * auth_cache_cleanup_test, one behaviour per test, with real MQTT clients against a broker that
 * loads {@code cache/cache_test.lua}.
 * <p>
 * The script caches ACLs for {@code allowed-subscriber-id} only; its v3 hooks say yes and its
 * m5 hooks say no, so an MQTT 5 request of that client that succeeds was answered by the cache,
 * and an MQTT 5 request of any other client reaches the script and is refused. Each test has
 * its own broker, so each starts with an empty cache (the reference clears it per case). The
 * cache is inspected through the admin API ({@code GET /api/auth-cache}), as in
 * {@link AdminApiTest}.
 */
class AuthCacheSuiteTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final String ALLOWED = "allowed-subscriber-id";
    private static final String IGNORED = "ignored-subscriber-id";
    private static final String USER = "test-user";
    private static final String OWN_TOPIC = "a//test-user/allowed-subscriber-id/hello/world";

    /** scripts.dir: stays empty, the script comes from scripts.files. */
    @TempDir
    Path dir;

    private TestBroker broker;

    @BeforeEach
    void startBroker() throws Exception {
        String yaml = """
                broker: { allow_anonymous: false }
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                scripts: { dir: "%s", files: ["%s"], states: 1 }
                admin: { address: "127.0.0.1:0" }
                """.formatted(slashes(dir), slashes(script()));
        broker = TestBroker.configured(c -> BrokerConfig.parse(yaml));
        assertThat(broker.broker.scripts().list()).extracting(s -> s.path().getFileName().toString())
                .as("cache_test.lua loaded (its top-level asserts passed)").containsExactly("cache_test.lua");
    }

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    // ---- auth_cache_test ------------------------------------------------------------------

    @Test
    void authCache_publishToPlainAndPlaceholderAclTopicsIsAcknowledgedBecauseTheCacheAnswers() {
        Mqtt5BlockingClient allowed = allowedClient();
        assertThat(publishQos1(allowed, "a/b/c", "x")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(publishQos1(allowed, OWN_TOPIC, "x")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    }

    @Test
    void authCache_subscribeToPlainAndPlaceholderAclFiltersIsGrantedBecauseTheCacheAnswers() {
        Mqtt5BlockingClient allowed = allowedClient();
        List<Mqtt5SubAckReasonCode> codes = subscribe(allowed, "a/b/c", "a//test-user/allowed-subscriber-id/+/world");
        assertThat(codes).hasSize(2).allSatisfy(code -> assertThat(code.isError()).as(code.toString()).isFalse());
        assertThat(broker.broker.subscriptionCount("")).isEqualTo(2);
    }

    @Test
    void authCache_publishToModifiersIsRewrittenToTheCachedTopicPayloadQosAndRetain() throws Exception {
        Mqtt3BlockingClient live = broker.v3("live-observer");
        try (var in = live.publishes(MqttGlobalPublishFilter.ALL)) {
            live.subscribeWith().topicFilter("hello/world").qos(MqttQos.EXACTLY_ONCE).send();
            assertThat(publishQos1(allowedClient(), "modifiers", "original")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

            Mqtt3Publish got = in.receive(Await.LONG.toSeconds(), TimeUnit.SECONDS).orElseThrow();
            assertThat(got.getTopic().toString()).isEqualTo("hello/world");
            assertThat(text(got.getPayloadAsBytes())).isEqualTo("hello world");
            assertThat(got.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        }
        // A live MQTT 3 delivery carries retain 0 (MQTT 3.1.1 §3.3.1.3); a later subscriber gets
        // the retained copy, which proves the rewrite set retain.
        Mqtt3BlockingClient late = broker.v3("late-observer");
        try (var in = late.publishes(MqttGlobalPublishFilter.ALL)) {
            late.subscribeWith().topicFilter("hello/world").qos(MqttQos.EXACTLY_ONCE).send();
            Mqtt3Publish retained = in.receive(Await.LONG.toSeconds(), TimeUnit.SECONDS).orElseThrow();
            assertThat(retained.isRetain()).isTrue();
            assertThat(text(retained.getPayloadAsBytes())).isEqualTo("hello world");
            assertThat(retained.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        }
    }

    @Test
    void authCache_subscribeToModifiersIsRewrittenToHelloWorldAtQos2() throws Exception {
        Mqtt5BlockingClient allowed = allowedClient();
        try (var in = allowed.publishes(MqttGlobalPublishFilter.ALL)) {
            // Requested at QoS 0: a QoS 2 delivery shows the subscription is the cached one.
            List<Mqtt5SubAckReasonCode> codes = subscribe(allowed, MqttQos.AT_MOST_ONCE, "modifiers");
            assertThat(codes).singleElement().satisfies(code -> assertThat(code.isError()).as(code.toString()).isFalse());

            broker.v3("publisher").publishWith().topic("hello/world").qos(MqttQos.EXACTLY_ONCE)
                    .payload(bytes("to the rewritten subscription")).send();

            Mqtt5Publish got = in.receive(Await.LONG.toSeconds(), TimeUnit.SECONDS).orElseThrow();
            assertThat(got.getTopic().toString()).isEqualTo("hello/world");
            assertThat(got.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
            assertThat(text(got.getPayloadAsBytes())).isEqualTo("to the rewritten subscription");
        }
    }

    // ---- auth_cache_reject_test -----------------------------------------------------------

    @Test
    void authCacheReject_publishToATopicNoAclGrantsIsNotAuthorized() {
        assertThat(publishQos1(allowedClient(), "c/b/a", "x")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void authCacheReject_publishToThePlaceholderTopicOfAnotherUserIsNotAuthorized() {
        assertThat(publishQos1(allowedClient(), "a//not-my-user/allowed-subscriber-id/hello/world", "x"))
                .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void authCacheReject_subscribeWithOneUngrantedFilterIsRefusedAsAWhole() {
        List<Mqtt5SubAckReasonCode> codes = subscribe(allowedClient(), "c/b/a", "a/b/c");
        assertThat(codes).hasSize(2).allSatisfy(code -> assertThat(code.isError()).as(code.toString()).isTrue());
        assertThat(broker.broker.subscriptionCount("")).isZero();
    }

    // ---- auth_cache_pass_through_test -----------------------------------------------------

    @Test
    void authCachePassThrough_mqtt3RequestsOfAnUncachedClientAreAnsweredByTheLuaHooks() throws Exception {
        Mqtt3BlockingClient ignored = broker.v3Unconnected(IGNORED);
        ignored.connectWith().simpleAuth().username(USER).applySimpleAuth().send();
        assertThat(cacheSize()).isZero();
        try (var in = ignored.publishes(MqttGlobalPublishFilter.ALL)) {
            List<Mqtt3SubAckReturnCode> codes = ignored.subscribeWith()
                    .addSubscription().topicFilter("a/b/c").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                    .addSubscription().topicFilter("a//test-user/allowed-subscriber-id/+/world").qos(MqttQos.AT_LEAST_ONCE)
                    .applySubscription()
                    .send().getReturnCodes();
            assertThat(codes).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1,
                    Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);

            ignored.publishWith().topic("a/b/c").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("one")).send();
            ignored.publishWith().topic(OWN_TOPIC).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("two")).send();
            assertThat(text(in.receive(Await.LONG.toSeconds(), TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()))
                    .isEqualTo("one");
            assertThat(text(in.receive(Await.LONG.toSeconds(), TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()))
                    .isEqualTo("two");
        }
    }

    @Test
    void authCachePassThrough_mqtt5RequestsOfAnUncachedClientReachTheM5LuaHooksWhichRefuse() throws Exception {
        Mqtt5BlockingClient ignored = broker.v5Builder(IGNORED).simpleAuth().username(USER).applySimpleAuth()
                .buildBlocking();
        broker.track(ignored);
        ignored.connect();
        assertThat(cacheSize()).isZero();
        assertThat(publishQos1(ignored, "a/b/c", "x")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        assertThat(subscribe(ignored, "a/b/c")).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
    }

    // ---- auth_cache_cleanup_test ----------------------------------------------------------

    @Test
    void authCacheCleanup_theCacheIsEmptyBeforeAnyClientRegisters() throws Exception {
        assertThat(cacheSize()).isZero();
    }

    @Test
    void authCacheCleanup_registerInsertsThreePublishAndThreeSubscribeAcls() throws Exception {
        allowedClient();
        JsonNode cache = cache();
        assertThat(cache.path("size").asInt()).isEqualTo(1);
        JsonNode entry = cache.path("entries").get(0);
        assertThat(entry.path("client_id").asText()).isEqualTo(ALLOWED);
        assertThat(entry.path("mountpoint").asText()).isEmpty();
        assertThat(entry.path("username").asText()).isEqualTo(USER);
        assertThat(entry.path("publish")).hasSize(3);
        assertThat(entry.path("subscribe")).hasSize(3);
    }

    @Test
    void authCacheCleanup_theEntryIsRemovedWhenTheClientGoesAway() throws Exception {
        Mqtt5BlockingClient allowed = allowedClient();
        assertThat(cacheSize()).isEqualTo(1);
        allowed.disconnect();
        Await.until("the allowed client's cache entry is cleared", () -> {
            try {
                return cacheSize() == 0;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    // ---- helpers --------------------------------------------------------------------------

    private Mqtt5BlockingClient allowedClient() {
        Mqtt5BlockingClient c = broker.v5Builder(ALLOWED).simpleAuth().username(USER).applySimpleAuth().buildBlocking();
        broker.track(c);
        c.connect();
        return c;
    }

    private static Mqtt5PubAckReasonCode publishQos1(Mqtt5BlockingClient c, String topic, String payload) {
        try {
            Mqtt5PublishResult r = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(payload)).send();
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    private static List<Mqtt5SubAckReasonCode> subscribe(Mqtt5BlockingClient c, String... filters) {
        return subscribe(c, MqttQos.AT_LEAST_ONCE, filters);
    }

    /** One SUBSCRIBE with all the filters; the SUBACK's reason codes, whether or not they are errors. */
    private static List<Mqtt5SubAckReasonCode> subscribe(Mqtt5BlockingClient c, MqttQos qos, String... filters) {
        var builder = c.subscribeWith().addSubscription().topicFilter(filters[0]).qos(qos).applySubscription();
        for (int i = 1; i < filters.length; i++) {
            builder = builder.addSubscription().topicFilter(filters[i]).qos(qos).applySubscription();
        }
        try {
            return List.copyOf(builder.send().getReasonCodes());
        } catch (Mqtt5SubAckException e) {
            return List.copyOf(e.getMqttMessage().getReasonCodes());
        }
    }

    private JsonNode cache() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + broker.broker.adminPort() + "/api/auth-cache")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private int cacheSize() throws Exception {
        return cache().path("size").asInt();
    }

    private static Path script() throws URISyntaxException {
        return Path.of(AuthCacheSuiteTest.class.getResource("/cache/cache_test.lua").toURI());
    }

    private static String slashes(Path p) {
        return p.toAbsolutePath().toString().replace("\\", "/");
    }
}
