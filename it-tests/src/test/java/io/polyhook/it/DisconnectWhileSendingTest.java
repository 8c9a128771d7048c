package io.polyhook.it;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static io.polyhook.it.Mqtt5Packets.TOPIC_ALIAS;
import static io.polyhook.it.Mqtt5Packets.connect;
import static io.polyhook.it.Mqtt5Packets.props;
import static io.polyhook.it.Mqtt5Packets.publish;
import static io.polyhook.it.Mqtt5Packets.twoByteProp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An MQTT 5 client that the broker disconnects while it is still sending (a steady stream of
 * PUBLISHes from another thread, before and after the packet that breaks the protocol) reads the
 * DISCONNECT with its reason code and then the end of the stream, not a TCP reset.
 */
class DisconnectWhileSendingTest {

    private static final int CONNACK = 2;
    private static final int DISCONNECT = 14;
    private static final byte[] NO_PROPS = props();

    @Test
    void aClientStillSendingReadsTheDisconnectAndItsReasonCode() throws Exception {
        try (TestBroker broker = TestBroker.start();
             RawMqtt raw = RawMqtt.open(broker.port())) {
            raw.send(connect("still-sending", NO_PROPS));
            assertThat(raw.read().type()).isEqualTo(CONNACK);

            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 50; i++) {
                burst.writeBytes(publish("stream/t", 0, 0, NO_PROPS, "m" + i));
            }
            byte[] stream = burst.toByteArray();
            // Above broker.topic_alias_maximum (16): DISCONNECT 0x94 Topic Alias invalid.
            byte[] bad = publish("stream/t", 0, 0, props(twoByteProp(TOPIC_ALIAS, 100)), "bad");
            Semaphore sentAfterBad = new Semaphore(0);
            Thread writer = Thread.ofPlatform().daemon().name("still-sending").start(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        raw.send(stream);
                    }
                    raw.send(bad);
                    while (!Thread.currentThread().isInterrupted()) {
                        raw.send(stream);
                        sentAfterBad.release();
                        // Pacing, not synchronisation: a steady stream that outlives the DISCONNECT.
                        Thread.sleep(1);
                    }
                } catch (IOException | InterruptedException end) {
                    // The broker closed, after its drain time, or the test is over.
                }
            });
            try {
                RawMqtt.Packet p = raw.read();
                assertThat(p).as("the DISCONNECT").isNotNull();
                assertThat(p.type()).isEqualTo(DISCONNECT);
                assertThat(p.reasonCode()).isEqualTo(0x94);
                assertThat(raw.read()).as("then the end of the stream").isNull();
                assertThat(sentAfterBad.tryAcquire(30, TimeUnit.SECONDS)).as("the client was sending meanwhile").isTrue();
            } finally {
                writer.interrupt();
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
    }
}
