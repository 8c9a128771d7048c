package io.polyhook.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.polyhook.broker.PolyhookBroker;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.PluginMetrics;
import io.polyhook.spi.Publication;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A Java plugin's context does what a script's vmq_api does, and its meters reach /metrics. */
class PluginContextTest {

    /** Acts on commands published to cmd/...; denies subscriptions to news/# once revoked. */
    static final class OpsPlugin implements Plugin {
        volatile boolean revoked;
        private PluginContext context;
        private PluginMetrics.Counter commands;

        @Override
        public String name() {
            return "ops";
        }

        @Override
        public void start(PluginContext ctx) {
            context = ctx;
            commands = ctx.metrics().counter("commands", "commands received");
            ctx.metrics().gauge("revoked", "1 once news/# is revoked", () -> revoked ? 1 : 0);
            ctx.logger().log(System.Logger.Level.INFO, "ops plugin started");
            for (ChainHook<PublishContext, PublishModifiers> h : List.of(Hooks.AUTH_ON_PUBLISH, Hooks.AUTH_ON_PUBLISH_M5)) {
                ctx.hooks().register(h, this::command);
            }
            for (ChainHook<SubscribeContext, SubscribeModifiers> h : List.of(Hooks.AUTH_ON_SUBSCRIBE, Hooks.AUTH_ON_SUBSCRIBE_M5)) {
                ctx.hooks().register(h, sub -> revoked && sub.topics().getFirst().filter().startsWith("news")
                        ? Verdict.deny() : Verdict.ok());
            }
        }

        private Verdict<PublishModifiers> command(PublishContext pub) {
            if (!pub.topic().startsWith("cmd/")) {
                return Verdict.ok();
            }
            commands.increment();
            switch (pub.topic()) {
                case "cmd/announce" -> context.broker().publish(
                        Publication.builder("news/today", Bytes.utf8("announced by ops")).qos(1).build());
                case "cmd/kick" -> context.broker().disconnect(new SubscriberId("", "victim"), false);
                case "cmd/revoke" -> {
                    revoked = true;
                    context.broker().reauthorizeSubscriptions(new SubscriberId("", "reader"), Optional.empty());
                }
                default -> {
                }
            }
            return Verdict.ok();
        }
    }

    private final OpsPlugin plugin = new OpsPlugin();
    private PolyhookBroker broker;
    private TestBroker clients;

    @BeforeEach
    void start() {
        broker = PolyhookBroker.builder().config(TestBroker.localConfig()).discoverPlugins(false).plugin(plugin)
                .adminAddress("127.0.0.1", 0).start();
        clients = TestBroker.wrap(broker);
    }

    @AfterEach
    void stop() {
        clients.close();
    }

    @Test
    void aPluginPublishesAsTheBroker() throws Exception {
        Mqtt5BlockingClient reader = clients.v5("reader");
        reader.subscribeWith().topicFilter("news/#").qos(MqttQos.AT_LEAST_ONCE).send();
        try (Mqtt5BlockingClient.Mqtt5Publishes received = reader.publishes(MqttGlobalPublishFilter.ALL)) {
            clients.v5("admin").publishWith().topic("cmd/announce").qos(MqttQos.AT_LEAST_ONCE).send();

            Mqtt5Publish news = received.receive(15, TimeUnit.SECONDS).orElseThrow();
            assertThat(news.getTopic().toString()).isEqualTo("news/today");
            assertThat(new String(news.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("announced by ops");
        }
    }

    @Test
    void aPluginDisconnectsAClient() {
        Mqtt5BlockingClient victim = clients.v5("victim");

        clients.v5("admin").publishWith().topic("cmd/kick").qos(MqttQos.AT_LEAST_ONCE).send();

        Await.until("the victim is disconnected", () -> !victim.getState().isConnected());
    }

    @Test
    void aPluginReauthorizesAClientsSubscriptions() throws Exception {
        Mqtt5BlockingClient reader = clients.v5("reader");
        reader.subscribeWith().topicFilter("news/#").qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(broker.subscriptionCount("")).isEqualTo(1);

        clients.v5("admin").publishWith().topic("cmd/revoke").qos(MqttQos.AT_LEAST_ONCE).send();

        Await.until("news/# is removed", () -> broker.subscriptionCount("") == 0);
    }

    @Test
    void aPluginsMetersAppearOnMetricsWithItsName() throws Exception {
        clients.v5("admin").publishWith().topic("cmd/nothing").qos(MqttQos.AT_LEAST_ONCE).send();

        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + broker.adminPort() + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("polyhook_plugin_commands_total{plugin=\"ops\"} 1.0",
                "polyhook_plugin_revoked{plugin=\"ops\"} 0.0");
    }

    @Test
    void aClosedBrokerShowsItsPluginsStopped() {
        broker.close();

        assertThat(broker.plugins()).extracting(p -> p.state().name()).containsExactly("STOPPED");
    }
}
