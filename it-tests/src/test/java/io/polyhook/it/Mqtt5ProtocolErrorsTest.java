package io.polyhook.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

import static io.polyhook.it.Mqtt5Packets.AUTHENTICATION_DATA;
import static io.polyhook.it.Mqtt5Packets.AUTHENTICATION_METHOD;
import static io.polyhook.it.Mqtt5Packets.MESSAGE_EXPIRY_INTERVAL;
import static io.polyhook.it.Mqtt5Packets.PAYLOAD_FORMAT_INDICATOR;
import static io.polyhook.it.Mqtt5Packets.REQUEST_PROBLEM_INFORMATION;
import static io.polyhook.it.Mqtt5Packets.SUBSCRIPTION_IDENTIFIER;
import static io.polyhook.it.Mqtt5Packets.byteProp;
import static io.polyhook.it.Mqtt5Packets.concat;
import static io.polyhook.it.Mqtt5Packets.connect;
import static io.polyhook.it.Mqtt5Packets.fourByteProp;
import static io.polyhook.it.Mqtt5Packets.props;
import static io.polyhook.it.Mqtt5Packets.publish;
import static io.polyhook.it.Mqtt5Packets.stringProp;
import static io.polyhook.it.Mqtt5Packets.subscribe;
import static io.polyhook.it.Mqtt5Packets.unsubscribe;
import static io.polyhook.it.Mqtt5Packets.varIntProp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT 5 protocol errors a client may send, each as exact bytes from a raw client, and the reason
 * code the broker closes with: a CONNACK for a faulty CONNECT, a DISCONNECT for anything after it
 * (MQTT 5 §4.13). 0x81 Malformed Packet where the specification calls the packet malformed,
 * 0x82 Protocol Error where it calls it a protocol error. Nothing after the faulty packet is
 * answered: the broker reads no further.
 */
@ExtendWith(NettyLeakGuard.class)
class Mqtt5ProtocolErrorsTest {

    static final int CONNACK = 2;
    static final int DISCONNECT = 14;
    static final int MALFORMED = 0x81;
    static final int PROTOCOL_ERROR = 0x82;
    private static final byte[] NO_PROPS = props();
    private static final byte[] PINGREQ = {(byte) 0xC0, 0};

    private static TestBroker broker;

    @BeforeAll
    static void start() {
        broker = TestBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** A packet sent as the CONNECT, answered with a CONNACK carrying {@code code}. */
    static Arguments connectError(String what, byte[] connect, int code) {
        return Arguments.of(what, connect, CONNACK, code);
    }

    /** A packet sent after a good CONNECT, answered with a DISCONNECT carrying {@code code}. */
    static Arguments packetError(String what, byte[] packet, int code) {
        return Arguments.of(what, packet, DISCONNECT, code);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                connectError("Request Problem Information 2",
                        connect("rpi", props(byteProp(REQUEST_PROBLEM_INFORMATION, 2))), PROTOCOL_ERROR),
                connectError("Request Problem Information twice",
                        connect("rpi2", props(byteProp(REQUEST_PROBLEM_INFORMATION, 1),
                                byteProp(REQUEST_PROBLEM_INFORMATION, 1))), PROTOCOL_ERROR),
                connectError("Payload Format Indicator in the CONNECT properties",
                        connect("pfi", props(byteProp(PAYLOAD_FORMAT_INDICATOR, 1))), MALFORMED),
                connectError("Authentication Data without an Authentication Method",
                        connect("auth", props(concat(new byte[] {(byte) AUTHENTICATION_DATA, 0, 1, 7}))), PROTOCOL_ERROR),
                connectError("Authentication Method twice",
                        connect("auth2", props(stringProp(AUTHENTICATION_METHOD, "a"), stringProp(AUTHENTICATION_METHOD, "a"))),
                        PROTOCOL_ERROR),
                connectError("will QoS 1 without the will flag", connect("wq", 0x08, 60, NO_PROPS, null), MALFORMED),
                connectError("will retain without the will flag", connect("wr", 0x20, 60, NO_PROPS, null), MALFORMED),
                connectError("will QoS 3", connect("w3", 0x04 | 0x18, 60, NO_PROPS, "last/will"), MALFORMED),
                connectError("a client id whose length points past the end of the CONNECT, then a PINGREQ",
                        concat(cutConnect(), PINGREQ), MALFORMED),
                packetError("a property twice in a PUBLISH",
                        publish("t", 0, 0, props(fourByteProp(MESSAGE_EXPIRY_INTERVAL, 10),
                                fourByteProp(MESSAGE_EXPIRY_INTERVAL, 10)), "x"), PROTOCOL_ERROR),
                packetError("Payload Format Indicator 2",
                        publish("t", 0, 0, props(byteProp(PAYLOAD_FORMAT_INDICATOR, 2)), "x"), PROTOCOL_ERROR),
                packetError("a Subscription Identifier in a PUBLISH from the client",
                        publish("t", 2, 1, props(varIntProp(SUBSCRIPTION_IDENTIFIER, 5)), "x"), PROTOCOL_ERROR),
                packetError("two Subscription Identifiers in a SUBSCRIBE",
                        subscribe(1, props(varIntProp(SUBSCRIPTION_IDENTIFIER, 1), varIntProp(SUBSCRIPTION_IDENTIFIER, 2)),
                                "a", 0), PROTOCOL_ERROR),
                packetError("Subscription Identifier 0", subscribe(1, props(varIntProp(SUBSCRIPTION_IDENTIFIER, 0)), "a", 0),
                        PROTOCOL_ERROR),
                packetError("reserved subscription option bits", subscribe(1, NO_PROPS, "a", 0xC0), MALFORMED),
                packetError("retain handling 3", subscribe(1, NO_PROPS, "a", 0x30), PROTOCOL_ERROR),
                packetError("a SUBSCRIBE without topic filters", subscribe(1, NO_PROPS), PROTOCOL_ERROR),
                packetError("an UNSUBSCRIBE without topic filters", unsubscribe(1, NO_PROPS), PROTOCOL_ERROR),
                packetError("DUP on a QoS 0 PUBLISH", publish("t", 0x08, 0, NO_PROPS, "x"), MALFORMED),
                packetError("a topic filter whose length points past the end of the SUBSCRIBE, then a PINGREQ",
                        concat(cutSubscribe(), PINGREQ), MALFORMED),
                packetError("an empty topic without a topic alias", publish("", 0, 0, NO_PROPS, "x"), PROTOCOL_ERROR));
    }

    /** A CONNECT whose client id says 200 bytes where 3 follow. */
    private static byte[] cutConnect() {
        byte[] c = connect("abc", NO_PROPS);
        // The client id length is the two bytes before its last three.
        c[c.length - 5] = 0;
        c[c.length - 4] = (byte) 200;
        return c;
    }

    /** A SUBSCRIBE whose topic filter says 100 bytes where 1 follows (then the options byte). */
    private static byte[] cutSubscribe() {
        byte[] s = subscribe(1, NO_PROPS, "a", 0);
        s[s.length - 4] = 0;
        s[s.length - 3] = 100;
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void closesWithTheReasonCode(String what, byte[] bytes, int answerType, int reasonCode) throws IOException {
        try (RawMqtt raw = RawMqtt.open(broker.port())) {
            if (answerType == DISCONNECT) {
                RawMqtt.Packet connAck = raw.connect("well-behaved", 5);
                assertThat(connAck.type()).isEqualTo(CONNACK);
                assertThat(connAck.reasonCode()).isZero();
            }
            raw.send(bytes);
            List<RawMqtt.Packet> seen = raw.readUntilClosed();
            assertThat(seen).as(what).singleElement().satisfies(p -> {
                assertThat(p.type()).as("packet type").isEqualTo(answerType);
                assertThat(p.reasonCode()).as("reason code").isEqualTo(reasonCode);
            });
        }
    }
}
