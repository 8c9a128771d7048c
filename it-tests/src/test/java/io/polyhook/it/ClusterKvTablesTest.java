package io.polyhook.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.polyhook.broker.PolyhookBroker;
import io.polyhook.core.script.ScriptLoadException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code kv.ensure_table{cluster = true}} on two nodes in this JVM: a Lua script on node 1 writes on
 * publish, a JavaScript check loaded on node 2 finds the value; a plain table stays node-local.
 */
class ClusterKvTablesTest {

    @TempDir
    static Path dir;
    static BrokerCluster cluster;

    @BeforeAll
    static void start() {
        cluster = BrokerCluster.of(2);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void load(PolyhookBroker node, String name, String text) throws IOException {
        Path script = Files.writeString(dir.resolve(name), text);
        try {
            node.scripts().load(script);
        } catch (ScriptLoadException e) {
            fail(e.getMessage(), e);
        }
    }

    @Test
    void aValueWrittenOnOneNodeIsReadOnTheOther() throws Exception {
        load(cluster.node(1), "writer.lua", """
                kv.ensure_table{name = "everywhere", cluster = true, type = "bag"}
                kv.ensure_table{name = "here"}
                function auth_on_publish(pub)
                    if string.sub(pub.topic, 1, 4) ~= "kvc/" then return nil end
                    kv.insert("everywhere", {k = pub.payload})
                    kv.insert("here", {k = pub.payload})
                    return true
                end
                hooks = { auth_on_publish = auth_on_publish, auth_on_publish_m5 = auth_on_publish }
                """);
        var c = cluster.v5(1, "writer");
        c.publishWith().topic("kvc/1").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("one")).send();
        c.publishWith().topic("kvc/2").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("two")).send();

        load(cluster.node(2), "check.js", """
                kv.ensure_table({name: "everywhere", cluster: true, type: "bag"});
                kv.ensure_table({name: "here"});
                const all = JSON.stringify(kv.lookup("everywhere", "k"));
                if (all !== '["one","two"]') throw new Error("everywhere k is " + all);
                const local = JSON.stringify(kv.lookup("here", "k"));
                if (local !== '[]') throw new Error("here k is " + local);
                var hooks = {};
                """);
    }

    @Test
    void clusterWithATtlIsRefused() throws IOException {
        Path script = Files.writeString(dir.resolve("bad.lua"), """
                kv.ensure_table{name = "t", cluster = true, ttl = 5}
                hooks = {}
                """);
        assertThatThrownBy(() -> cluster.node(1).scripts().load(script))
                .isInstanceOf(ScriptLoadException.class)
                .hasMessageContaining("cannot be combined with persist, ttl or max_size");
    }

    @Test
    void clusterOnABrokerWithoutAClusterNamesClusterEnabled() throws IOException {
        Path script = Files.writeString(dir.resolve("alone.lua"), """
                kv.ensure_table{name = "t", cluster = true}
                hooks = {}
                """);
        try (TestBroker broker = TestBroker.start()) {
            assertThatThrownBy(() -> broker.broker.scripts().load(script))
                    .isInstanceOf(ScriptLoadException.class)
                    .hasMessageContaining("cluster.enabled");
        }
    }
}
