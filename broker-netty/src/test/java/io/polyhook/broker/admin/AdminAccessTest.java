package io.polyhook.broker.admin;

import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.config.AdminToken;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ConfigException;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who may use the admin API: the Host header, the bearer token, and what a failing request does. */
class AdminAccessTest {

    private static final String TOKEN = "a-token-of-32-characters-0123456";

    @TempDir
    Path dir;

    private PolyhookBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private void start(BrokerConfig config, Plugin... plugins) {
        PolyhookBroker.Builder b = PolyhookBroker.builder().config(config).discoverPlugins(false)
                .adminAddress("127.0.0.1", 0);
        for (Plugin p : plugins) {
            b.plugin(p);
        }
        broker = b.start();
    }

    /** One request over a plain socket, so that any Host header can be sent; returns the status and body. */
    private String request(String path, String host, String authorization) throws IOException {
        try (Socket s = new Socket("127.0.0.1", broker.adminPort())) {
            s.setSoTimeout(30_000);
            String req = "GET " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Connection: close\r\n\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            return text.substring(9, 12) + " " + text.substring(text.indexOf("\r\n\r\n") + 4).replaceAll("\\s+", " ");
        }
    }

    private String port() {
        return String.valueOf(broker.adminPort());
    }

    @ParameterizedTest(name = "Host {0}")
    @CsvSource({
            "127.0.0.1:PORT, 200",
            "localhost:PORT, 200",
            "LOCALHOST.:PORT, 200",
            "rebound.attacker.example:PORT, 403",
            "127.0.0.1.nip.io:PORT, 403",
            "127.0.0.1:1, 403",
            "127.0.0.1, 403",
            "10.0.0.1:PORT, 403",
            "[::1]:PORT, 403",
    })
    void theHostHeaderMustNameThisApi(String host, String status) throws Exception {
        start(AdminServerTest.config(dir));
        assertThat(request("/api", host.replace("PORT", port()), null)).startsWith(status);
    }

    @Test
    void aRequestWithoutAHostHeaderIsRefused() throws Exception {
        start(AdminServerTest.config(dir));
        assertThat(request("/api", null, null)).startsWith("4");
    }

    @Test
    void theRefusalNeverEchoesTheForeignHost() throws Exception {
        start(AdminServerTest.config(dir));
        assertThat(request("/metrics", "<script>x</script>:" + port(), null)).startsWith("403").doesNotContain("script");
    }

    @Test
    void withATokenEveryRequestMustCarryIt() throws Exception {
        start(AdminServerTest.config(dir).withAdminToken(AdminToken.of(TOKEN)));
        String host = "127.0.0.1:" + port();
        assertThat(request("/api", host, null)).startsWith("401").contains("admin.token").doesNotContain(TOKEN);
        assertThat(request("/metrics", host, null)).startsWith("401");
        assertThat(request("/api", host, "Bearer " + TOKEN + "x")).startsWith("401");
        assertThat(request("/api", host, "Basic " + TOKEN)).startsWith("401");
        assertThat(request("/api", host, "Bearer " + TOKEN)).startsWith("200");
        assertThat(request("/metrics", host, "Bearer " + TOKEN)).startsWith("200");
        assertThat(request("/api", "evil.example:" + port(), "Bearer " + TOKEN)).startsWith("403");
    }

    @Test
    void onANonLoopbackAddressTheBrokerRefusesToStartWithoutAToken() {
        assertThatThrownBy(() -> PolyhookBroker.builder().config(AdminServerTest.config(dir)).discoverPlugins(false)
                .adminAddress("0.0.0.0", 0).start())
                .isInstanceOf(ConfigException.class)
                .hasMessage("admin.token: is required when the admin API listens on 0.0.0.0, which is not a loopback address");
    }

    /** A plugin whose name cannot be read once {@link #broken} is set: listing plugins then fails with an Error. */
    static final class BrokenNamePlugin implements Plugin {
        final AtomicBoolean broken = new AtomicBoolean();

        @Override
        public String name() {
            if (broken.get()) {
                throw new StackOverflowError("test");
            }
            return "broken-name";
        }

        @Override
        public void start(PluginContext context) {
        }
    }

    @Test
    void aRequestThatMeetsAnErrorAnswers500AndTheApiGoesOn() throws Exception {
        BrokenNamePlugin plugin = new BrokenNamePlugin();
        start(AdminServerTest.config(dir), plugin);
        String host = "127.0.0.1:" + port();
        plugin.broken.set(true);
        assertThat(request("/api/plugins", host, null)).startsWith("500").contains("StackOverflowError");
        plugin.broken.set(false);
        assertThat(request("/api/plugins", host, null)).startsWith("200").contains("broken-name");
    }
}
