package io.polyhook.broker.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin API against a started broker with real Lua scripts. */
class AdminServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private PolyhookBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    static BrokerConfig config(Path scriptsDir) {
        // Anonymous clients: the tests connect without credentials (the no-file default, said here).
        return BrokerConfig.defaults().withBroker(BrokerConfig.defaults().broker().withAllowAnonymous(true))
                .withListeners(List.of(ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0)))
                .withScripts(new ScriptsConfig(scriptsDir.toString(), List.of(), 1, Duration.ofSeconds(5)))
                .withPersistence(io.polyhook.broker.config.PersistenceSettings.DISABLED);
    }

    private void start(Plugin... plugins) {
        PolyhookBroker.Builder b = PolyhookBroker.builder().config(config(dir)).discoverPlugins(false)
                .adminAddress("127.0.0.1", 0);
        for (Plugin p : plugins) {
            b.plugin(p);
        }
        broker = b.start();
    }

    private Path script(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    record Reply(int status, JsonNode json, String text) {
    }

    private Reply get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    private Reply post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + broker.adminPort() + path);
    }

    private static Reply send(HttpRequest request) throws Exception {
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                ? JSON.readTree(r.body()) : null;
        return new Reply(r.statusCode(), json, r.body());
    }

    private static String body(String key, Object value) throws Exception {
        return JSON.writeValueAsString(java.util.Map.of(key, value));
    }

    static final String ALLOW_ALL = """
            function auth_on_publish(pub) return true end
            function on_register(reg) end
            hooks = { auth_on_publish = auth_on_publish, on_register = on_register }
            """;

    @Test
    void listShowsEachLoadedScriptWithEngineHooksAndStates() throws Exception {
        Path a = script("a.lua", ALLOW_ALL);
        start();
        Reply r = get("/api/scripts");
        assertThat(r.status()).isEqualTo(200);
        JsonNode s = r.json().path("scripts").get(0);
        assertThat(s.path("path").asText()).isEqualTo(a.toAbsolutePath().normalize().toString());
        assertThat(s.path("engine").asText()).isEqualTo("luaj");
        assertThat(s.path("hooks").toString()).contains("auth_on_publish", "on_register");
        assertThat(s.path("states").asInt()).isEqualTo(1);
        assertThat(s.path("reloads").asInt()).isZero();
        assertThat(s.path("loaded_at").asText()).isNotEmpty();
    }

    @Test
    void loadAddsAScriptGivenByPath() throws Exception {
        start();
        Path b = script("b.lua", ALLOW_ALL);
        Reply r = post("/api/scripts/load", body("path", b.toString()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("hooks").toString()).contains("auth_on_publish");
        assertThat(broker.scripts().list()).hasSize(1);
    }

    @Test
    void loadErrorAnswers400WithFileAndLine() throws Exception {
        start();
        Path bad = script("bad.lua", "hooks = {}\nlocal x = = 1\n");
        Reply r = post("/api/scripts/load", body("path", bad.toString()));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).contains("bad.lua:2");
        assertThat(broker.scripts().list()).isEmpty();
    }

    @Test
    void loadingAScriptThatIsLoadedAnswers409() throws Exception {
        Path a = script("a.lua", ALLOW_ALL);
        start();
        Reply r = post("/api/scripts/load", body("path", a.toString()));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().path("error").asText()).contains("already loaded");
    }

    @Test
    void loadWithoutAPathAnswers400() throws Exception {
        start();
        Reply r = post("/api/scripts/load", "{}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).contains("\"path\" is required");
    }

    @Test
    void reloadCountsReloadsAndPicksUpNewHooks() throws Exception {
        Path a = script("a.lua", ALLOW_ALL);
        start();
        Files.writeString(a, "function on_client_gone(c) end\nhooks = { on_client_gone = on_client_gone }\n");
        Reply r = post("/api/scripts/reload", body("path", a.toString()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("reloads").asInt()).isEqualTo(1);
        assertThat(r.json().path("hooks").toString()).contains("on_client_gone").doesNotContain("auth_on_publish");
    }

    @Test
    void failedReloadAnswers400AndTheOldVersionKeepsServing() throws Exception {
        Path a = script("a.lua", ALLOW_ALL);
        start();
        Files.writeString(a, "error('broken on purpose')\n");
        Reply r = post("/api/scripts/reload", body("path", a.toString()));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).contains("a.lua:1", "broken on purpose");
        assertThat(broker.scripts().list().getFirst().hooks()).contains("auth_on_publish");
    }

    @Test
    void reloadOfAScriptThatIsNotLoadedAnswers404() throws Exception {
        start();
        Reply r = post("/api/scripts/reload", body("path", dir.resolve("nope.lua").toString()));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("error").asText()).contains("is not loaded");
    }

    @Test
    void unloadRemovesTheScript() throws Exception {
        Path a = script("a.lua", ALLOW_ALL);
        start();
        Reply r = post("/api/scripts/unload", body("path", a.toString()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(broker.scripts().list()).isEmpty();
        assertThat(post("/api/scripts/unload", body("path", a.toString())).status()).isEqualTo(404);
    }

    @Test
    void statsListEveryDeclaredHookOfEachScript() throws Exception {
        script("a.lua", ALLOW_ALL);
        start();
        Reply r = get("/api/scripts/stats");
        assertThat(r.status()).isEqualTo(200);
        List<String> hooks = new ArrayList<>();
        JsonNode script = r.json().path("scripts").get(0);
        script.path("hooks").forEach(h -> {
            hooks.add(h.path("hook").asText());
            assertThat(h.has("calls") && h.has("errors") && h.has("timeouts") && h.has("mean_us")
                    && h.has("p50_us") && h.has("p99_us")).isTrue();
        });
        assertThat(hooks).contains("auth_on_publish", "on_register");
    }

    @Test
    void statsOfOneScriptThatIsNotLoadedAnswers404() throws Exception {
        start();
        assertThat(get("/api/scripts/stats?path=" + dir.resolve("x.lua")).status()).isEqualTo(404);
    }

    @Test
    void postWithoutJsonContentTypeIsRefused() throws Exception {
        Path a = script("a.lua", ALLOW_ALL);
        start();
        Reply r = send(HttpRequest.newBuilder(uri("/api/scripts/unload")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body("path", a.toString()))).build());
        assertThat(r.status()).isEqualTo(415);
        assertThat(broker.scripts().list()).hasSize(1);
    }

    @Test
    void unknownEndpointAnswers404AndWrongMethod405() throws Exception {
        start();
        assertThat(get("/api/nothing").status()).isEqualTo(404);
        Reply r = get("/api/scripts/load");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.json().path("error").asText()).contains("POST");
    }

    static final String CACHING = """
            auth_cache.insert("", "client-a", "user-a", {{pattern = "a/#"}}, {{pattern = "a/#"}})
            auth_cache.insert("", "client-b", "user-b", {{pattern = "b/#"}}, {{pattern = "b/#"}})
            auth_cache.insert("", "client-c", "user-b", {{pattern = "c/#"}}, {{pattern = "c/#"}})
            hooks = {}
            """;

    @Test
    void authCacheListsEntriesWithTheirPatterns() throws Exception {
        script("cache.lua", CACHING);
        start();
        Reply r = get("/api/auth-cache");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("size").asInt()).isEqualTo(3);
        assertThat(r.json().path("entries").toString()).contains("client-a", "user-a", "a/#");
    }

    @Test
    void authCacheInvalidatesOneClient() throws Exception {
        script("cache.lua", CACHING);
        start();
        Reply r = post("/api/auth-cache/invalidate", "{\"client_id\": \"client-a\", \"mountpoint\": \"\"}");
        assertThat(r.json().path("invalidated").asInt()).isEqualTo(1);
        assertThat(get("/api/auth-cache").json().path("entries").toString()).doesNotContain("client-a");
    }

    @Test
    void authCacheInvalidatesEveryClientOfAUser() throws Exception {
        script("cache.lua", CACHING);
        start();
        Reply r = post("/api/auth-cache/invalidate", "{\"username\": \"user-b\"}");
        assertThat(r.json().path("invalidated").asInt()).isEqualTo(2);
        assertThat(get("/api/auth-cache").json().path("size").asInt()).isEqualTo(1);
    }

    @Test
    void authCacheInvalidatesEverything() throws Exception {
        script("cache.lua", CACHING);
        start();
        assertThat(post("/api/auth-cache/invalidate", "{\"all\": true}").json().path("invalidated").asInt()).isEqualTo(3);
        assertThat(get("/api/auth-cache").json().path("size").asInt()).isZero();
    }

    @Test
    void authCacheInvalidateWithoutASelectorAnswers400() throws Exception {
        start();
        Reply r = post("/api/auth-cache/invalidate", "{}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).contains("client_id", "username", "all");
    }

    static final class CountingPlugin implements Plugin {
        @Override
        public String name() {
            return "counting";
        }

        @Override
        public int priority() {
            return 7;
        }

        @Override
        public void start(PluginContext context) {
            context.hooks().register(Hooks.AUTH_ON_PUBLISH, ctx -> Verdict.next());
        }
    }

    @Test
    void pluginsListsJavaPluginsWithTheirHooksAndTheAuthCache() throws Exception {
        start(new CountingPlugin());
        Reply r = get("/api/plugins");
        assertThat(r.status()).isEqualTo(200);
        JsonNode first = r.json().path("plugins").get(0);
        assertThat(first.path("name").asText()).isEqualTo("counting");
        assertThat(first.path("priority").asInt()).isEqualTo(7);
        assertThat(first.path("state").asText()).isEqualTo("started");
        assertThat(first.path("source").asText()).isEqualTo("embedded");
        assertThat(first.path("version").asText()).isEqualTo("unknown");
        assertThat(first.path("hooks").get(0).path("hook").asText()).isEqualTo("auth_on_publish");
        assertThat(r.json().path("plugins").toString()).contains("auth_cache");
    }

    @Test
    void metricsAreInThePrometheusTextFormat() throws Exception {
        script("a.lua", ALLOW_ALL);
        start(new CountingPlugin());
        Reply r = get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).contains("# TYPE polyhook_connections gauge", "polyhook_sessions",
                "polyhook_scripts_loaded 1.0", "polyhook_hook_calls_total{", "hook=\"auth_on_publish\"",
                "origin=\"counting\"", "polyhook_hook_timeouts_total", "polyhook_hook_errors_total",
                "jvm_memory_used_bytes");
    }

    @Test
    void anUnloadedScriptLeavesTheMetrics() throws Exception {
        Path a = script("a.lua", ALLOW_ALL);
        start();
        assertThat(get("/metrics").text()).contains("a.lua");
        post("/api/scripts/unload", body("path", a.toString()));
        assertThat(get("/metrics").text()).doesNotContain("a.lua");
    }

    @Test
    void withoutAnAdminAddressThereIsNoAdminApi() {
        broker = PolyhookBroker.builder().config(config(dir)).discoverPlugins(false).start();
        assertThatThrownBy(broker::adminPort).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void adminAddressFromTheConfigWins() throws Exception {
        BrokerConfig cfg = BrokerConfig.parse("""
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                scripts: { dir: "%s" }
                admin: { address: "127.0.0.1:0" }
                persistence: { enabled: false }
                """.formatted(dir.toString().replace("\\", "/")));
        broker = PolyhookBroker.builder().config(cfg).discoverPlugins(false).start();
        assertThat(get("/api/scripts").status()).isEqualTo(200);
    }
}
