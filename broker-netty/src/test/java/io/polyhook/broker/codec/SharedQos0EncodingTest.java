package io.polyhook.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared MQTT 3 QoS 0 PUBLISH: the bytes Netty's encoder would write, encoded once per message. */
class SharedQos0EncodingTest {

    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);

    private static Message message(String topic, int payloadSize, boolean retain) {
        byte[] payload = new byte[payloadSize];
        for (int i = 0; i < payloadSize; i++) {
            payload[i] = (byte) i;
        }
        return Message.of(topic, 0, Bytes.wrap(payload), retain, MqttProperties.EMPTY, "pub");
    }

    private static byte[] nettyEncoding(Message m) {
        return Mqtt3EncodingTest.nettyEncoding(Packets.publish(m, 0, false));
    }

    private static byte[] sharedEncoding(Message m) {
        ByteBuf b = SharedQos0Encoding.encode(m, ALLOC);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    @Test
    void isTheBytesOfAnMqtt3Publish() {
        Message m = message("sensors/1/temperature", 125, true);

        assertThat(sharedEncoding(m)).isEqualTo(nettyEncoding(m));
        assertThat(sharedEncoding(m)).isEqualTo(nettyEncoding(m));
        assertThat(sharedEncoding(m)).isEqualTo(nettyEncoding(m));
    }

    @Test
    void theDeliveriesOfOneMessageAfterTheFirstShareOneBuffer() {
        Message published = message("t", 10, false);
        ByteBuf first = SharedQos0Encoding.encode(published.forDelivery(0, false, List.of()), ALLOC);
        ByteBuf second = SharedQos0Encoding.encode(published.forDelivery(0, false, List.of()), ALLOC);
        ByteBuf third = SharedQos0Encoding.encode(published.forDelivery(0, false, List.of()), ALLOC);
        try {
            assertThat(second.memoryAddress()).isNotEqualTo(first.memoryAddress());
            assertThat(third.memoryAddress()).isEqualTo(second.memoryAddress());
            // Each write owns its duplicate; the cache keeps its own reference.
            assertThat(second.refCnt()).isEqualTo(3);
        } finally {
            first.release();
            second.release();
            third.release();
        }
        assertThat(second.refCnt()).isEqualTo(1);
    }

    @Test
    void aMessageDeliveredOnceIsNotKept() {
        ByteBuf only = SharedQos0Encoding.encode(message("t", 10, false), ALLOC);

        // The write owns the only reference: one subscriber per message leaves nothing behind.
        assertThat(only.refCnt()).isEqualTo(1);
        only.release();
        assertThat(only.refCnt()).isZero();
    }

    @Test
    void aRetainedDeliveryIsNotTheSameBytesAsAPlainOne() {
        Message published = message("t", 10, false);

        assertThat(sharedEncoding(published.forDelivery(0, true, List.of())))
                .isNotEqualTo(sharedEncoding(published.forDelivery(0, false, List.of())));
    }

    @Test
    void aWholeBurstIsSharedFromItsSecondSubscriberOn() {
        // A loop drains one subscriber's queue, then the next one's: the same 500 messages thrice.
        List<Message> burst = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            burst.add(message("t/" + i, 10, false));
        }
        List<ByteBuf> first = new ArrayList<>();
        List<ByteBuf> second = new ArrayList<>();
        List<ByteBuf> third = new ArrayList<>();
        burst.forEach(m -> first.add(SharedQos0Encoding.encode(m, ALLOC)));
        burst.forEach(m -> second.add(SharedQos0Encoding.encode(m, ALLOC)));
        burst.forEach(m -> third.add(SharedQos0Encoding.encode(m, ALLOC)));
        try {
            int shared = 0;
            for (int i = 0; i < burst.size(); i++) {
                assertThat(ByteBufUtil.getBytes(second.get(i))).isEqualTo(ByteBufUtil.getBytes(first.get(i)));
                assertThat(ByteBufUtil.getBytes(third.get(i))).isEqualTo(ByteBufUtil.getBytes(first.get(i)));
                shared += third.get(i).memoryAddress() == second.get(i).memoryAddress() ? 1 : 0;
            }
            // Direct-mapped by identity hash: a few collide and are encoded again (about 30 of 500
            // in 4,096 slots); a cache of the last 64 shared none.
            assertThat(shared).isGreaterThan(400);
        } finally {
            first.forEach(ByteBuf::release);
            second.forEach(ByteBuf::release);
            third.forEach(ByteBuf::release);
        }
    }

    @Test
    void aPayloadUnderAnotherTopicIsEncodedWithThatTopic() {
        Message published = message("a", 10, false);
        Message rewritten = published.rewritten("b", published.payload(), published.properties());

        assertThat(sharedEncoding(published)).isEqualTo(nettyEncoding(published));
        assertThat(sharedEncoding(rewritten)).isEqualTo(nettyEncoding(rewritten));
        assertThat(sharedEncoding(published)).isEqualTo(nettyEncoding(published));
    }

    @Test
    void evictedBuffersAreReleasedOnceTheirWritesAre() {
        List<ByteBuf> written = new ArrayList<>();
        for (int i = 0; i < SharedQos0Encoding.ENTRIES + 10; i++) {
            // Delivered twice: kept from the second delivery on.
            Message m = message("t/" + i, 10, false);
            written.add(SharedQos0Encoding.encode(m, ALLOC));
            written.add(SharedQos0Encoding.encode(m, ALLOC));
        }
        ByteBuf oldest = written.get(1);
        // Evicted from the cache: only this write holds it now.
        assertThat(oldest.refCnt()).isEqualTo(1);
        written.forEach(ByteBuf::release);
        assertThat(oldest.refCnt()).isZero();
    }
}
