package io.polyhook.it;

import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.spi.AuthModifiers;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.ReasonCode;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.polyhook.it.Mqtt5Packets.AUTHENTICATION_DATA;
import static io.polyhook.it.Mqtt5Packets.AUTHENTICATION_METHOD;
import static io.polyhook.it.Mqtt5Packets.MAXIMUM_PACKET_SIZE;
import static io.polyhook.it.Mqtt5Packets.REQUEST_PROBLEM_INFORMATION;
import static io.polyhook.it.Mqtt5Packets.byteProp;
import static io.polyhook.it.Mqtt5Packets.concat;
import static io.polyhook.it.Mqtt5Packets.fourByteProp;
import static io.polyhook.it.Mqtt5Packets.props;
import static io.polyhook.it.Mqtt5Packets.reasonString;
import static io.polyhook.it.Mqtt5Packets.stringProp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reason string of a deny reaches MQTT 5 clients, read as bytes by a raw client: from a Lua
 * script ({@code false, "banned", "you are banned"}) in CONNACK, PUBACK, PUBREC, SUBACK and
 * UNSUBACK, from a Java plugin ({@code Verdict.deny(code, "why")}) in PUBACK and DISCONNECT. A
 * client that sets Request Problem Information to 0 gets it only on CONNACK and DISCONNECT (MQTT 5
 * §3.1.2.11.7); a packet it would make larger than the client's Maximum Packet Size goes without
 * it (§3.1.2.11.4).
 */
class ReasonStringTest {

    private static final String SCRIPT = """
            function auth_on_register(reg)
                if reg.client_id == "banned" then return false, "banned", "you are banned" end
                return true
            end
            function auth_on_publish_m5(pub)
                if pub.topic == "forbidden" then return false, "not_authorized", "no publishing here" end
                return true
            end
            function auth_on_subscribe_m5(sub)
                for _, t in ipairs(sub.topics) do
                    if t[1] == "secret/#" then return false, "not_authorized", "no subscribing here" end
                end
                return true
            end
            function on_unsubscribe_m5(unsub)
                return false, "not_authorized", "stay subscribed"
            end
            hooks = { auth_on_register = auth_on_register, auth_on_register_m5 = auth_on_register,
                      auth_on_publish_m5 = auth_on_publish_m5, auth_on_subscribe_m5 = auth_on_subscribe_m5,
                      on_unsubscribe_m5 = on_unsubscribe_m5 }
            """;

    @TempDir
    Path dir;

    private TestBroker scripted() throws IOException {
        Files.writeString(dir.resolve("reasons.lua"), SCRIPT);
        return TestBroker.configured(c -> c.withBroker(c.broker().withAllowAnonymous(false))
                .withScripts(new ScriptsConfig(dir.toString(), List.of(), 1, Duration.ofSeconds(5))));
    }

    /** A raw MQTT 5 client connected with CONNECT properties {@code properties}; the CONNACK is read. */
    private static RawMqtt connect(TestBroker broker, String clientId, byte[] properties, int expectedCode)
            throws IOException {
        RawMqtt raw = RawMqtt.open(broker.port());
        raw.send(Mqtt5Packets.connect(clientId, properties));
        RawMqtt.Packet connAck = raw.read();
        assertThat(connAck.type()).isEqualTo(2);
        assertThat(connAck.reasonCode()).isEqualTo(expectedCode);
        return raw;
    }

    private static RawMqtt.Packet publish(RawMqtt raw, String topic, int qos, int id) throws IOException {
        raw.send(Mqtt5Packets.publish(topic, qos << 1, id, props(), "x"));
        return raw.read();
    }

    private static RawMqtt.Packet subscribe(RawMqtt raw, String filter) throws IOException {
        raw.send(Mqtt5Packets.subscribe(1, props(), filter, 1));
        return raw.read();
    }

    private static RawMqtt.Packet unsubscribe(RawMqtt raw, String filter) throws IOException {
        raw.send(Mqtt5Packets.unsubscribe(2, props(), filter));
        return raw.read();
    }

    /** The reason code after the packet id of a PUBACK or PUBREC. */
    private static int ackCode(RawMqtt.Packet p) {
        return p.body()[2] & 0xFF;
    }

    /** The first reason code of a SUBACK or UNSUBACK, after packet id and properties. */
    private static int firstCode(RawMqtt.Packet p) {
        return p.body()[p.body().length - 1] & 0xFF;
    }

    @Test
    void aRefusedConnectCarriesTheScriptsReasonStringInConnack() throws IOException {
        try (TestBroker broker = scripted(); RawMqtt raw = RawMqtt.open(broker.port())) {
            raw.send(Mqtt5Packets.connect("banned", props()));
            RawMqtt.Packet connAck = raw.read();
            assertThat(connAck.reasonCode()).isEqualTo(0x8A);
            assertThat(reasonString(connAck)).isEqualTo("you are banned");
            assertThat(raw.read()).as("closed after the CONNACK").isNull();
        }
    }

    @Test
    void connackCarriesItEvenToAClientThatAsksForNoProblemInformation() throws IOException {
        try (TestBroker broker = scripted(); RawMqtt raw = RawMqtt.open(broker.port())) {
            raw.send(Mqtt5Packets.connect("banned", props(byteProp(REQUEST_PROBLEM_INFORMATION, 0))));
            RawMqtt.Packet connAck = raw.read();
            assertThat(connAck.reasonCode()).isEqualTo(0x8A);
            assertThat(reasonString(connAck)).isEqualTo("you are banned");
        }
    }

    @Test
    void anMqtt3ClientGetsTheNearestReturnCodeAndNoProperties() throws IOException {
        try (TestBroker broker = scripted(); RawMqtt raw = RawMqtt.open(broker.port())) {
            raw.send(RawMqtt.connectPacket("banned".getBytes(), 4));
            RawMqtt.Packet connAck = raw.read();
            assertThat(connAck.body()).containsExactly(0, 5);
        }
    }

    @Test
    void refusedPublishesCarryItInPubackAndPubrec() throws IOException {
        try (TestBroker broker = scripted(); RawMqtt raw = connect(broker, "c", props(), 0)) {
            RawMqtt.Packet pubAck = publish(raw, "forbidden", 1, 1);
            assertThat(pubAck.type()).isEqualTo(4);
            assertThat(ackCode(pubAck)).isEqualTo(0x87);
            assertThat(reasonString(pubAck)).isEqualTo("no publishing here");

            RawMqtt.Packet pubRec = publish(raw, "forbidden", 2, 2);
            assertThat(pubRec.type()).isEqualTo(5);
            assertThat(ackCode(pubRec)).isEqualTo(0x87);
            assertThat(reasonString(pubRec)).isEqualTo("no publishing here");

            RawMqtt.Packet allowed = publish(raw, "allowed", 1, 3);
            assertThat(Mqtt5Packets.ackProperties(allowed)).isEmpty();
        }
    }

    @Test
    void aRefusedSubscribeCarriesItInSuback() throws IOException {
        try (TestBroker broker = scripted(); RawMqtt raw = connect(broker, "c", props(), 0)) {
            RawMqtt.Packet subAck = subscribe(raw, "secret/#");
            assertThat(subAck.type()).isEqualTo(9);
            assertThat(firstCode(subAck)).isEqualTo(0x87);
            assertThat(reasonString(subAck)).isEqualTo("no subscribing here");
        }
    }

    @Test
    void aRefusedUnsubscribeCarriesItInUnsubackAndStillUnsubscribes() throws IOException {
        try (TestBroker broker = scripted(); RawMqtt raw = connect(broker, "c", props(), 0)) {
            assertThat(firstCode(subscribe(raw, "open/#"))).isEqualTo(1);
            RawMqtt.Packet unsubAck = unsubscribe(raw, "open/#");
            assertThat(unsubAck.type()).isEqualTo(11);
            // on_unsubscribe is a rewrite hook: a refusal means "unchanged", the filter goes.
            assertThat(firstCode(unsubAck)).isEqualTo(0x00);
            assertThat(reasonString(unsubAck)).isEqualTo("stay subscribed");
        }
    }

    @Test
    void withoutProblemInformationOnlyTheCodesGo() throws IOException {
        byte[] noProblems = props(byteProp(REQUEST_PROBLEM_INFORMATION, 0));
        try (TestBroker broker = scripted(); RawMqtt raw = connect(broker, "c", noProblems, 0)) {
            RawMqtt.Packet pubAck = publish(raw, "forbidden", 1, 1);
            assertThat(ackCode(pubAck)).isEqualTo(0x87);
            assertThat(reasonString(pubAck)).isNull();
            RawMqtt.Packet subAck = subscribe(raw, "secret/#");
            assertThat(firstCode(subAck)).isEqualTo(0x87);
            assertThat(reasonString(subAck)).isNull();
            assertThat(reasonString(unsubscribe(raw, "open/#"))).isNull();
        }
    }

    @Test
    void aReasonStringThatWouldExceedTheClientsMaximumPacketSizeIsLeftOut() throws IOException {
        // PUBACK with "no publishing here": 2 + 3 + 1 + 3 + 18 = 27 bytes; CONNACK with "you are banned": 22.
        byte[] small = props(fourByteProp(MAXIMUM_PACKET_SIZE, 24));
        try (TestBroker broker = scripted(); RawMqtt raw = connect(broker, "c", small, 0)) {
            RawMqtt.Packet pubAck = publish(raw, "forbidden", 1, 1);
            assertThat(ackCode(pubAck)).isEqualTo(0x87);
            assertThat(reasonString(pubAck)).isNull();
        }
        try (TestBroker broker = scripted(); RawMqtt raw = RawMqtt.open(broker.port())) {
            raw.send(Mqtt5Packets.connect("banned", small));
            assertThat(reasonString(raw.read())).isEqualTo("you are banned");
        }
    }

    /** Denies publishes to "quota" with 0x97 and a reason; re-authentication with data "again". */
    static final class DenyingPlugin implements Plugin {
        @Override
        public void start(PluginContext context) {
            context.hooks().register(Hooks.AUTH_ON_PUBLISH_M5, pc -> pc.topic().equals("quota")
                    ? Verdict.deny(ReasonCode.of(0x97), "slow down") : Verdict.ok());
            context.hooks().register(Hooks.ON_AUTH_M5, ac -> ac.properties().authenticationData()
                    .map(Bytes::toUtf8String).orElse("").equals("hello")
                    ? Verdict.ok(AuthModifiers.success(null)) : Verdict.deny(ReasonCode.of(0x87), "re-authentication refused"));
        }
    }

    @Test
    void aJavaPluginsDenyWithAReasonStringReachesTheClientInPuback() throws IOException {
        try (TestBroker broker = TestBroker.start(new DenyingPlugin()); RawMqtt raw = connect(broker, "c", props(), 0)) {
            RawMqtt.Packet pubAck = publish(raw, "quota", 1, 1);
            assertThat(ackCode(pubAck)).isEqualTo(0x97);
            assertThat(reasonString(pubAck)).isEqualTo("slow down");
        }
    }

    @Test
    void aDeniedReauthenticationCarriesItInDisconnect() throws IOException {
        byte[] auth = props(stringProp(AUTHENTICATION_METHOD, "M"), stringProp(AUTHENTICATION_DATA, "hello"));
        try (TestBroker broker = TestBroker.start(new DenyingPlugin()); RawMqtt raw = connect(broker, "c", auth, 0)) {
            raw.send(RawMqtt.packet(0xF0, concat(new byte[] {0x19},
                    props(stringProp(AUTHENTICATION_METHOD, "M"), stringProp(AUTHENTICATION_DATA, "again")))));
            RawMqtt.Packet disconnect = raw.read();
            assertThat(disconnect.type()).isEqualTo(14);
            assertThat(disconnect.reasonCode()).isEqualTo(0x87);
            assertThat(reasonString(disconnect)).isEqualTo("re-authentication refused");
        }
    }
}
