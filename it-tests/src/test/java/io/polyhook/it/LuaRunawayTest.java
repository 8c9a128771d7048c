package io.polyhook.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.polyhook.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: a Lua hook that spends its time in a library function (the common trim
 * {@code ^%s*(.-)%s*$} on a payload of "a", 200,000 spaces, "a") ran for minutes past its
 * deadline, and as many such calls as the machine has cores stopped every hook call and the
 * admin API. Real broker, real MQTT clients, real admin API: while more such publishes than
 * carriers are being trimmed, another client's publish is acknowledged and the admin API
 * answers; at the deadline the trimming publishes are refused.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LuaRunawayTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    @Test
    void trimming_publishes_on_every_carrier_leave_other_clients_and_the_admin_api_served() throws Exception {
        int carriers = Runtime.getRuntime().availableProcessors();
        int spinning = carriers + 2;
        Files.writeString(dir.resolve("trim.lua"), """
                num_states = %d
                function auth_on_publish(pub)
                    if pub.topic == "spin" then
                        vmq_api.publish("started/" .. pub.client_id, "x", 0, false)
                        return pub.payload:match("^%%s*(.-)%%s*$") ~= nil
                    end
                    return true
                end
                hooks = { auth_on_publish = auth_on_publish, auth_on_publish_m5 = auth_on_publish }
                """.formatted(spinning + 2));
        String yaml = """
                broker: { allow_anonymous: true }
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                scripts: { dir: "%s", hook_timeout: 20s }
                admin: { address: "127.0.0.1:0" }
                """.formatted(dir.toString().replace("\\", "/"));
        byte[] payload = ("a" + " ".repeat(200_000) + "a").getBytes(StandardCharsets.US_ASCII);
        try (TestBroker broker = TestBroker.configured(c -> BrokerConfig.parse(yaml))) {
            Mqtt5BlockingClient monitor = broker.v5("monitor");
            CountDownLatch started = new CountDownLatch(spinning);
            monitor.toAsync().subscribeWith().topicFilter("started/#").callback(p -> started.countDown()).send()
                    .get(30, TimeUnit.SECONDS);

            List<CompletableFuture<Mqtt5PublishResult>> trims = new ArrayList<>();
            for (int i = 0; i < spinning; i++) {
                Mqtt5BlockingClient c = broker.v5("spin" + i);
                trims.add(c.toAsync().publishWith().topic("spin").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send());
            }
            assertThat(started.await(60, TimeUnit.SECONDS)).as("all %d trimming calls started", spinning).isTrue();

            Mqtt5BlockingClient good = broker.v5("good");
            CompletableFuture<Mqtt5PubAckReasonCode> ack = CompletableFuture.supplyAsync(() -> publishQos1(good, "ok/1"));
            assertThat(ack.get(10, TimeUnit.SECONDS)).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
            HttpResponse<String> scripts = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + broker.broker.adminPort() + "/api/scripts")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
            assertThat(scripts.statusCode()).isEqualTo(200);
            assertThat(trims).as("the trims were still running").noneMatch(CompletableFuture::isDone);

            for (CompletableFuture<Mqtt5PublishResult> trim : trims) {
                assertThat(reasonCode(trim)).as("refused at the deadline").isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            }
            assertThat(publishQos1(good, "ok/2")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        }
    }

    private static Mqtt5PubAckReasonCode reasonCode(CompletableFuture<Mqtt5PublishResult> publish) throws Exception {
        try {
            Mqtt5PublishResult r = publish.get(60, TimeUnit.SECONDS);
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Mqtt5PubAckException refused) {
                return refused.getMqttMessage().getReasonCode();
            }
            throw e;
        }
    }

    private static Mqtt5PubAckReasonCode publishQos1(Mqtt5BlockingClient c, String topic) {
        try {
            Mqtt5PublishResult r = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload("x".getBytes(StandardCharsets.UTF_8)).send();
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }
}
