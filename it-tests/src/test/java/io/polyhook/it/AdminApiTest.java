package io.polyhook.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.polyhook.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin API and {@code /metrics} while real clients use the broker. */
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private TestBroker start() {
        String yaml = """
                broker: { allow_anonymous: false }
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                scripts: { dir: "%s", states: 2 }
                admin: { address: "127.0.0.1:0" }
                """.formatted(dir.toString().replace("\\", "/"));
        return TestBroker.configured(c -> BrokerConfig.parse(yaml));
    }

    private static String get(TestBroker broker, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + broker.broker.adminPort() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static JsonNode post(TestBroker broker, String path, String json) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + broker.broker.adminPort() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static Mqtt5PubAckReasonCode publishQos1(Mqtt5BlockingClient c, String topic) {
        try {
            Mqtt5PublishResult r = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    private static JsonNode hookStats(String statsJson, String hook) throws Exception {
        for (JsonNode h : JSON.readTree(statsJson).path("scripts").get(0).path("hooks")) {
            if (h.path("hook").asText().equals(hook)) {
                return h;
            }
        }
        throw new AssertionError("no stats for " + hook + " in " + statsJson);
    }

    static final String COUNTING = """
            function auth_on_register(reg) return true end
            function auth_on_publish(pub) return true end
            hooks = { auth_on_register_m5 = auth_on_register, auth_on_publish_m5 = auth_on_publish }
            """;

    @Test
    void scriptStatsCountRealCallsAndAreNotResetByReading() throws Exception {
        Files.writeString(dir.resolve("count.lua"), COUNTING);
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient c = broker.v5("c");
            for (int i = 0; i < 3; i++) {
                publishQos1(c, "t");
            }
            JsonNode first = hookStats(get(broker, "/api/scripts/stats"), "auth_on_publish_m5");
            assertThat(first.path("calls").asLong()).isEqualTo(3);
            assertThat(first.path("errors").asLong()).isZero();
            assertThat(first.path("p99_us").asDouble()).isPositive();
            JsonNode again = hookStats(get(broker, "/api/scripts/stats"), "auth_on_publish_m5");
            assertThat(again.path("calls").asLong()).isEqualTo(3);
            assertThat(hookStats(get(broker, "/api/scripts/stats"), "auth_on_register_m5").path("calls").asLong())
                    .isEqualTo(1);
        }
    }

    @Test
    void metricsCountHookCallsAndConnectedClients() throws Exception {
        Files.writeString(dir.resolve("count.lua"), COUNTING);
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient c = broker.v5("c");
            broker.v5("d");
            publishQos1(c, "t");
            String metrics = get(broker, "/metrics");
            assertThat(metrics).contains("polyhook_clients_connected 2.0", "polyhook_connections 2.0", "polyhook_sessions 2.0",
                    "polyhook_messages_received_total 1.0");
            assertThat(metrics.lines().filter(l -> l.startsWith("polyhook_hook_calls_total{")
                    && l.contains("hook=\"auth_on_publish_m5\"") && l.contains("kind=\"script\"")))
                    .singleElement().satisfies(l -> assertThat(l).endsWith(" 1.0"));
        }
    }

    @Test
    void metricsFollowPrometheusConventions() throws Exception {
        Files.writeString(dir.resolve("count.lua"), COUNTING);
        try (TestBroker broker = start()) {
            publishQos1(broker.v5("c"), "t");
            String metrics = get(broker, "/metrics");

            // Hook latency: a histogram with fixed buckets, labelled by the script's name in its folder.
            String series = "{hook=\"auth_on_publish_m5\",kind=\"script\",origin=\"count.lua\"";
            assertThat(metrics).contains("# TYPE polyhook_hook_latency_seconds histogram",
                    "polyhook_hook_latency_seconds_bucket" + series + ",le=\"0.001\"}",
                    "polyhook_hook_latency_seconds_bucket" + series + ",le=\"+Inf\"} 1",
                    "polyhook_hook_latency_seconds_count" + series + "} 1",
                    "polyhook_hook_latency_seconds_sum" + series + "}",
                    "polyhook_hook_calls_total" + series + "} 1.0");
            assertThat(metrics).doesNotContain("stat=\"", dir.toString());
            // Units in names, build information, the JVM's garbage collection.
            assertThat(metrics).contains("polyhook_received_bytes_total ", "polyhook_sent_bytes_total ",
                    "polyhook_build_info{java_version=\"" + Runtime.version() + "\",version=\"", "jvm_gc_",
                    "jvm_memory_used_bytes{", "process_uptime_seconds ");
            assertThat(metrics).doesNotContain("polyhook_bytes_received_total");
        }
    }

    /**
     * The script puts the client's ACLs in the auth cache at register; the cache then answers
     * its publishes, and the script's own auth_on_publish is never asked. After invalidation
     * the script decides again, without the client reconnecting.
     */
    static final String CACHING = """
            function auth_on_register(reg)
                auth_cache.insert(reg.mountpoint, reg.client_id, reg.username or "", {{pattern = "a/#"}}, {{pattern = "a/#"}})
                return true
            end
            function auth_on_publish(pub) return true end
            hooks = { auth_on_register_m5 = auth_on_register, auth_on_publish_m5 = auth_on_publish }
            """;

    @Test
    void invalidatingAClientsCacheEntryHandsItsRequestsBackToTheScript() throws Exception {
        Files.writeString(dir.resolve("cache.lua"), CACHING);
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient c = broker.v5("cached");
            assertThat(publishQos1(c, "b/1")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            assertThat(get(broker, "/api/auth-cache")).contains("\"client_id\" : \"cached\"", "a/#");

            JsonNode r = post(broker, "/api/auth-cache/invalidate", "{\"client_id\": \"cached\", \"mountpoint\": \"\"}");
            assertThat(r.path("invalidated").asInt()).isEqualTo(1);

            assertThat(publishQos1(c, "b/1")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        }
    }

    @Test
    void aClientsCacheEntryGoesAwayWhenItDisconnects() throws Exception {
        Files.writeString(dir.resolve("cache.lua"), CACHING);
        try (TestBroker broker = start()) {
            broker.v5("leaving").disconnect();
            Await.until("the cache entry is cleared", () -> {
                try {
                    return JSON.readTree(get(broker, "/api/auth-cache")).path("size").asInt() == 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }
}
