package io.polyhook.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The validator on its own: bytes in, whole packets or one failure out. */
class MqttFrameValidatorTest {

    // CONNECT, MQTT 5, clean start, keep-alive 60, no properties, client id "c".
    private static final String CONNECT5 = "10 0e 0004 4d515454 05 02 003c 00 0001 63";
    // CONNECT, MQTT 3.1.1, clean session, keep-alive 60, client id "c".
    private static final String CONNECT4 = "10 0d 0004 4d515454 04 02 003c 0001 63";

    private final EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameValidator(1024));

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    private static ByteBuf hex(String s) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(s.replace(" ", "")));
    }

    /** Writes {@code bytes} and returns everything passed on, as hex; a failure as "!" + its code. */
    private String through(String bytes) {
        ch.writeInbound(hex(bytes));
        StringBuilder out = new StringBuilder();
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof ByteBuf b) {
                out.append(io.netty.buffer.ByteBufUtil.hexDump(b));
                b.release();
            } else {
                Throwable cause = ((MqttMessage) o).decoderResult().cause();
                out.append(cause instanceof MqttViolation v ? "!" + Integer.toHexString(v.reasonCode()) : "!" + cause);
            }
        }
        return out.toString();
    }

    @Test
    void wholePacketsGoOnAndAPartialOneWaits() {
        assertThat(through(CONNECT5 + " c0 00 c0")).isEqualTo((CONNECT5 + "c000").replace(" ", ""));
        assertThat(through("00")).isEqualTo("c000");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            DUP on QoS 0                         | 38 04 0001 61 00                 | !81
            QoS 3                                | 36 06 0001 61 0001 00            | !81
            a property twice                     | 30 0e 0001 61 0a 02 0000000a 02 0000000a | !82
            Subscription Identifier from client  | 32 08 0001 61 0001 02 0b 05      | !82
            server-only packet                   | 90 03 0001 00                    | !82
            topic length past the end            | 30 04 00ff 61 00 c0 00           | !81
            reserved subscription option bits    | 82 07 0001 00 0001 61 c0         | !81
            SUBSCRIBE without a filter           | 82 03 0001 00                    | !82
            UNSUBSCRIBE without a filter         | a2 03 0001 00                    | !82
            PUBREL with the wrong flags          | 60 02 0001                       | !81
            remaining length in five bytes       | 30 ff ff ff ff 01                | !81
            remaining length not in shortest form | c0 80 00                        | !81
            """)
    void anMqtt5ViolationAfterConnectFailsWithItsCode(String what, String packet, String expected) {
        assertThat(through(CONNECT5)).isNotEmpty();
        assertThat(through(packet)).isEqualTo(expected);
        // Nothing after it is read.
        assertThat(through("c0 00")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            will QoS 3                        | 10 0e 0004 4d515454 05 1e 003c 00 0001 63 | !81
            will QoS without the will flag    | 10 0e 0004 4d515454 05 0a 003c 00 0001 63 | !81
            Payload Format in CONNECT         | 10 10 0004 4d515454 05 02 003c 02 0101 0001 63 | !81
            Request Problem Information 2     | 10 10 0004 4d515454 05 02 003c 02 1702 0001 63 | !82
            Authentication Data, no method    | 10 12 0004 4d515454 05 02 003c 04 16000107 0001 63 | !82
            client id past the end            | 10 0e 0004 4d515454 05 02 003c 00 00c8 63 | !81
            protocol name past the end        | 10 04 00ff 4d51                    | !81
            """)
    void aFaultyConnectFailsWithItsCode(String what, String connect, String expected) {
        assertThat(through(connect)).isEqualTo(expected);
    }

    /** A PUBLISH (MQTT 3.1.1, QoS 0) on {@code topic}, as hex. */
    private static String publish311(byte[] topic) {
        StringBuilder hex = new StringBuilder(String.format("30 %02x %04x ", topic.length + 3, topic.length));
        for (byte b : topic) {
            hex.append(String.format("%02x", b));
        }
        return hex.append(" 78").toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            sensors/room-1/temperature/celsius | ok
            sensors/room-1/températures/x      | ok
            sensors/room-1/temperature/#       | !81
            sensors/room+1/temperature/x       | !81
            sensors/ro_m-1/temperature/x       | ok
            """)
    void longTopicsAreCheckedEightBytesAtATimeAndByteByByte(String topic, String expected) {
        assertThat(through(CONNECT4)).isNotEmpty();
        String out = through(publish311(topic.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(out.startsWith("!") ? out : "ok").isEqualTo(expected);
    }

    @Test
    void aNulCharacterInALongTopicIsMalformed() {
        byte[] topic = "sensors/ro_m-1/temperature/x".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        topic[10] = 0;
        assertThat(through(CONNECT4)).isNotEmpty();
        assertThat(through(publish311(topic))).isEqualTo("!81");
    }

    @Test
    void invalidUtf8InATopicIsMalformed() {
        assertThat(through(CONNECT4)).isNotEmpty();
        assertThat(through(publish311(new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', (byte) 0xC3, 0x28})))
                .isEqualTo("!81");
    }

    @Test
    void aViolationIsMarkedAsInTheConnectAndMqtt5() {
        ch.writeInbound(hex("10 0e 0004 4d515454 05 1e 003c 00 0001 63"));
        MqttViolation v = (MqttViolation) ((MqttMessage) ch.readInbound()).decoderResult().cause();
        assertThat(v.inConnect()).isTrue();
        assertThat(v.mqtt5()).isTrue();
    }

    @Test
    void mqtt311HasNoPropertiesAndNoAuth() {
        assertThat(through(CONNECT4)).isNotEmpty();
        assertThat(through("30 04 0001 61 00")).isEqualTo("3004000161" + "00");
        assertThat(through("f0 00")).isEqualTo("!81");
    }

    @Test
    void aPacketAboveTheMaximumFailsBeforeItIsHeld() {
        assertThat(through(CONNECT5)).isNotEmpty();
        ch.writeInbound(hex("30 80 10"));
        MqttMessage m = ch.readInbound();
        assertThat(m.decoderResult().cause()).isInstanceOf(TooLongFrameException.class);
    }

    @Test
    void theFirstPacketMustBeAConnect() {
        assertThat(through("c0 00")).isEqualTo("!82");
    }

    @Test
    void anUnknownProtocolLevelGoesOnForTheDecoderToRefuse() {
        String level9 = "10 0d 0004 4d515454 09 02 003c 0001 63";
        assertThat(through(level9)).isEqualTo(level9.replace(" ", ""));
        assertThat(through("c0 00")).isEmpty();
    }
}
