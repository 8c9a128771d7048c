package io.polyhook.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.polyhook.broker.config.PersistenceSettings;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.broker.config.SyncMode;
import io.polyhook.core.script.ScriptLoadException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code kv.ensure_table{persist = true}} from Lua and JavaScript on a broker with a RocksDB store,
 * restarted in this process: scripts (in {@code scripts.dir}, loaded at each start) write on
 * publish; a script loaded after the restart asserts what it finds.
 */
@ExtendWith(NettyLeakGuard.class)
class PersistentKvTablesTest {

    private static final String LUA_WRITER = """
            kv.ensure_table{name = "lua_t", persist = true}
            kv.ensure_table{name = "lua_short", persist = true, ttl = 1}
            kv.ensure_table{name = "lua_long", persist = true, ttl = 3600}
            function auth_on_publish(pub)
                local key = string.match(pub.topic, "^lua/(.+)$")
                if key == nil then return nil end
                kv.insert("lua_t", {[key] = pub.payload})
                kv.insert("lua_short", {[key] = pub.payload})
                kv.insert("lua_long", {[key] = pub.payload})
                return true
            end
            hooks = { auth_on_publish = auth_on_publish, auth_on_publish_m5 = auth_on_publish }
            """;

    private static final String JS_WRITER = """
            kv.ensure_table({name: "js_t", persist: true, type: "bag"});
            function onPublish(pub) {
                if (!pub.topic.startsWith("js/")) return;
                kv.insert("js_t", {[pub.topic.substring(3)]: JSON.parse(pub.payload)});
                return true;
            }
            var hooks = { auth_on_publish: onPublish, auth_on_publish_m5: onPublish };
            """;

    @TempDir
    Path dir;
    private Path scripts;
    private Path checks;

    @BeforeEach
    void writers() throws IOException {
        scripts = Files.createDirectories(dir.resolve("scripts"));
        checks = Files.createDirectories(dir.resolve("checks"));
        Files.writeString(scripts.resolve("writer.lua"), LUA_WRITER);
        Files.writeString(scripts.resolve("writer.js"), JS_WRITER);
    }

    private TestBroker start() {
        return TestBroker.configured(c -> c
                .withPersistence(new PersistenceSettings(true, dir.resolve("data"), SyncMode.ALWAYS, Duration.ofMillis(10)))
                .withScripts(new ScriptsConfig(scripts.toString(), List.of(), 2, Duration.ofSeconds(5))));
    }

    private static void publishQos1(Mqtt5BlockingClient c, String topic, String payload) {
        // Acknowledged after auth_on_publish ran, so after the script's kv.insert returned.
        c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(payload)).send();
    }

    private void check(TestBroker broker, String name, String text) throws IOException {
        Path script = Files.writeString(checks.resolve(name), text);
        try {
            broker.broker.scripts().load(script);
        } catch (ScriptLoadException e) {
            fail(e.getMessage(), e);
        }
    }

    @Test
    void valuesWrittenByLuaAndJavaScriptAreBackAfterARestart() throws Exception {
        try (TestBroker broker = start()) {
            Mqtt5BlockingClient c = broker.v5("writer");
            publishQos1(c, "lua/a", "one");
            publishQos1(c, "lua/a", "two");
            publishQos1(c, "lua/b", "bee");
            publishQos1(c, "js/k", "{\"n\": 1, \"s\": \"x\"}");
            publishQos1(c, "js/k", "{\"n\": 2.5}");
            publishQos1(c, "js/k", "{\"n\": 1, \"s\": \"x\"}");
        }
        try (TestBroker broker = start()) {
            check(broker, "check.lua", """
                    local a = kv.lookup("lua_t", "a")
                    assert(#a == 1 and a[1] == "two", "lua_t a is " .. tostring(a[1]))
                    assert(kv.lookup("lua_t", "b")[1] == "bee", "lua_t b")
                    hooks = {}
                    """);
            check(broker, "check.js", """
                    const k = JSON.stringify(kv.lookup("js_t", "k"));
                    if (k !== '[{"n":1,"s":"x"},{"n":2.5}]') throw new Error("js_t k is " + k);
                    var hooks = {};
                    """);
        }
    }

    @Test
    void aTtlKeepsRunningWhileTheBrokerIsDown() throws Exception {
        long written;
        try (TestBroker broker = start()) {
            publishQos1(broker.v5("writer"), "lua/a", "one");
            written = System.nanoTime();
        }
        // The passage of time is what is tested: lua_short's second runs out while no broker runs.
        long left = Duration.ofMillis(1_500).toNanos() - (System.nanoTime() - written);
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
        try (TestBroker broker = start()) {
            check(broker, "check.lua", """
                    assert(#kv.lookup("lua_short", "a") == 0, "lua_short a outlived its ttl")
                    assert(kv.lookup("lua_long", "a")[1] == "one", "lua_long a is gone")
                    hooks = {}
                    """);
        }
    }

    @Test
    void persistWithoutTheStoreFailsTheLoadNamingPersistenceEnabled() throws IOException {
        Path script = Files.writeString(checks.resolve("persist.lua"), """
                kv.ensure_table{name = "t", persist = true}
                hooks = {}
                """);
        try (TestBroker broker = TestBroker.configured(c -> c.withPersistence(PersistenceSettings.DISABLED)
                .withScripts(new ScriptsConfig(checks.resolve("none").toString(), List.of(), 2, Duration.ofSeconds(5))))) {
            assertThatThrownBy(() -> broker.broker.scripts().load(script))
                    .isInstanceOf(ScriptLoadException.class)
                    .hasMessageContaining("kv.ensure_table")
                    .hasMessageContaining("persistence.enabled");
        }
    }
}
