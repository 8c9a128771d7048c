package io.polyhook.it.auth;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.config.BrokerConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An embedded broker on 127.0.0.1 (ephemeral port) that authenticates with one bundled auth
 * script ({@code auth/<db>.lua}) followed by {@code accept_guest.lua}, which admits the user
 * {@code guest}; anonymous clients are not allowed. Plus MQTT client helpers.
 */
final class AuthBroker implements AutoCloseable {

    /** The bundled scripts: the broker's resources, whose top level holds no other script. */
    private static final Path SOURCE_ROOT = Path.of("..", "broker-netty", "src", "main", "resources");
    static final List<String> BUNDLED = List.of("auth_commons.lua", "postgres.lua", "cockroachdb.lua", "mysql.lua",
            "mysql2.lua", "mongodb.lua", "redis.lua");

    private final PolyhookBroker broker;
    private final List<Runnable> cleanups = new ArrayList<>();

    private AuthBroker(PolyhookBroker broker) {
        this.broker = broker;
    }

    /**
     * Starts a broker with {@code auth/<db>.lua} and {@code providersYaml} (the indented body of
     * the {@code providers} section, which may hold secrets: it is never logged here).
     */
    static AuthBroker start(String db, String providersYaml) {
        return startWith(scriptsRoot().resolve("auth").resolve(db + ".lua"), providersYaml);
    }

    /** Starts a broker with {@code script} (which may require the bundled ones) instead of a bundled script. */
    static AuthBroker startWith(Path script, String providersYaml) {
        Path root = scriptsRoot();
        String yaml = """
                broker:
                  allow_anonymous: false
                persistence: { enabled: false }
                listeners:
                  - { type: tcp, address: "127.0.0.1:0" }
                scripts:
                  dir: "%s"
                  files: ["%s", "%s"]
                  states: 2
                providers:
                %s
                """.formatted(root, script, testScript("accept_guest.lua"), providersYaml.indent(2));
        return new AuthBroker(PolyhookBroker.builder().config(BrokerConfig.parse(yaml)).discoverPlugins(false).start());
    }

    /**
     * Starts a broker that switches {@code db}'s bundled script on through the config
     * ({@code auth.<db>: authYaml}), as a user would, with {@code accept_guest.lua} after it.
     */
    static AuthBroker startSwitchedOn(String db, String authYaml, String providersYaml) {
        String yaml = """
                broker:
                  allow_anonymous: false
                persistence: { enabled: false }
                listeners:
                  - { type: tcp, address: "127.0.0.1:0" }
                scripts:
                  dir: "%s"
                  files: ["%s"]
                  states: 2
                auth:
                  %s: %s
                providers:
                %s
                """.formatted(testScript("accept_guest.lua").getParent().resolve("empty-dir"), testScript("accept_guest.lua"),
                db, authYaml, providersYaml.indent(2));
        return new AuthBroker(PolyhookBroker.builder().config(BrokerConfig.parse(yaml)).discoverPlugins(false).start());
    }

    /**
     * The directory whose {@code auth/} holds the bundled scripts: the broker module's sources
     * when the tests run in this repository, else a copy of the broker jar's {@code auth/}.
     */
    static Path scriptsRoot() {
        if (Files.isRegularFile(SOURCE_ROOT.resolve("auth").resolve("auth_commons.lua"))) {
            return SOURCE_ROOT.toAbsolutePath().normalize();
        }
        try {
            Path root = Files.createDirectories(Path.of("target", "bundled-auth-scripts").toAbsolutePath());
            Path auth = Files.createDirectories(root.resolve("auth"));
            for (String name : BUNDLED) {
                try (InputStream in = PolyhookBroker.class.getResourceAsStream("/auth/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("auth/" + name + " is not in the broker jar");
                    }
                    Files.copy(in, auth.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A script of these tests' resources ({@code auth/<name>}). */
    static Path testScript(String name) {
        URL url = AuthBroker.class.getResource("/auth/" + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The engine's details of the loaded script {@code auth/<db>.lua} (states, keep_state). */
    java.util.Map<String, Object> scriptDetails(String db) {
        return broker.scripts().list().stream()
                .filter(info -> info.path().toString().replace('\\', '/').endsWith("auth/" + db + ".lua"))
                .findFirst().orElseThrow(() -> new AssertionError("auth/" + db + ".lua is not loaded"))
                .details();
    }

    int port() {
        return broker.boundPort("tcp");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** An MQTT 5 client connected with these credentials; a refusal throws {@link Mqtt5ConnAckException}. */
    Mqtt5BlockingClient v5(String clientId, String username, String password) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(port()).buildBlocking();
        disconnectAtClose(() -> c.getState().isConnected(), c::disconnect);
        awaitConnAck(clientId, c.toAsync().connectWith().simpleAuth().username(username).password(bytes(password))
                .applySimpleAuth().send());
        return c;
    }

    private void disconnectAtClose(java.util.function.BooleanSupplier connected, Runnable disconnect) {
        cleanups.add(() -> {
            if (connected.getAsBoolean()) {
                disconnect.run();
            }
        });
    }

    /** Waits for the CONNACK; a refusal is thrown as the client's ConnAck exception. */
    private static void awaitConnAck(String clientId, java.util.concurrent.CompletableFuture<?> connect) {
        try {
            connect.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("CONNECT of " + clientId + " got no CONNACK", e);
        }
    }

    /** The reason code of an MQTT 5 CONNECT that must be refused; fails if it is accepted. */
    Mqtt5ConnAckReasonCode v5Refused(String clientId, String username, String password) {
        try {
            v5(clientId, username, password);
        } catch (Mqtt5ConnAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
        throw new AssertionError(clientId + " was admitted");
    }

    /** An MQTT 5 client without a password; its refusal's reason code, or SUCCESS. */
    Mqtt5ConnAckReasonCode v5WithoutPassword(String clientId, String username) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(port()).buildBlocking();
        try {
            c.toAsync().connectWith().simpleAuth().username(username).applySimpleAuth().send().get(30, TimeUnit.SECONDS);
            c.disconnect();
            return Mqtt5ConnAckReasonCode.SUCCESS;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mqtt5ConnAckException refused) {
                return refused.getMqttMessage().getReasonCode();
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("CONNECT of " + clientId + " got no CONNACK", e);
        }
    }

    /** An MQTT 3.1.1 client connected with these credentials; a refusal throws {@link Mqtt3ConnAckException}. */
    Mqtt3BlockingClient v3(String clientId, String username, String password) {
        Mqtt3BlockingClient c = MqttClient.builder().useMqttVersion3().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(port()).buildBlocking();
        disconnectAtClose(() -> c.getState().isConnected(), c::disconnect);
        awaitConnAck(clientId, c.toAsync().connectWith().simpleAuth().username(username).password(bytes(password))
                .applySimpleAuth().send());
        return c;
    }

    /** The return code of an MQTT 3.1.1 CONNECT that must be refused; fails if it is accepted. */
    Mqtt3ConnAckReturnCode v3Refused(String clientId, String username, String password) {
        try {
            v3(clientId, username, password);
        } catch (Mqtt3ConnAckException e) {
            return e.getMqttMessage().getReturnCode();
        }
        throw new AssertionError(clientId + " was admitted");
    }

    /** The PUBACK reason code of a QoS 1 PUBLISH. */
    static Mqtt5PubAckReasonCode publishQos1(Mqtt5BlockingClient c, String topic) {
        try {
            Mqtt5PublishResult r = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    /** Disconnects the clients made so far. */
    void disconnectClients() {
        for (Runnable r : cleanups) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // Already gone.
            }
        }
        cleanups.clear();
    }

    @Override
    public void close() {
        disconnectClients();
        broker.close();
    }
}
