package io.polyhook.cluster.infinispan.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.polyhook.broker.cluster.ClusterCommand;
import io.polyhook.broker.cluster.InFlightMessage;
import io.polyhook.broker.cluster.SessionState;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecTest {

    @Test
    void aMessageKeepsItsAgeSoItsExpiryKeepsCounting() {
        long now = System.nanoTime();
        MqttProperties p = MqttProperties.builder().messageExpiryInterval(10).build();
        Message waited = new Message("t", 1, Bytes.utf8("x"), false, p, Optional.empty(), List.of(), now - 4_000_000_000L);
        ByteBuf b = Unpooled.buffer();
        MessageCodec.write(b, waited, now, 0);
        long elsewhere = 123_456_789_000L; // another JVM's nanoTime
        Message read = MessageCodec.read(b, elsewhere, 0, false);
        assertThat(elsewhere - read.receivedNanos()).isEqualTo(4_000_000_000L);
        assertThat(read.withRemainingExpiry(elsewhere).properties().messageExpiryInterval()).hasValue(6);
    }

    @Test
    void aStoredMessageAgesByTheWallClockUntilItIsRead() {
        long now = System.nanoTime();
        Message m = Message.of("t", 1, Bytes.utf8("x"), true, MqttProperties.EMPTY, null);
        ByteBuf b = Unpooled.buffer();
        MessageCodec.write(b, m, m.receivedNanos(), 1_000_000);
        Message read = MessageCodec.read(b, now, 1_003_000, true);
        assertThat(now - read.receivedNanos()).isGreaterThanOrEqualTo(3_000_000_000L);
        assertThat(read.publisher()).isEmpty();
    }

    @Test
    void aSessionRoundTripsWithItsOptionsAndOrder() {
        SubscriberId id = new SubscriberId("mp", "client");
        SessionState s = new SessionState(id, 0xFFFF_FFFFL,
                List.of(new TopicSubscription("a/#", 2, new SubscriptionOptions(true, true, RetainHandling.DONT_SEND,
                        OptionalInt.of(77))), TopicSubscription.of("$share/g/b", 0)),
                List.of(new InFlightMessage(65_535, Message.of("a/1", 2, Bytes.utf8("f"), false, MqttProperties.EMPTY, "p"), true)),
                List.of(Message.of("a/2", 1, Bytes.utf8("q1"), false, MqttProperties.EMPTY, "p"),
                        Message.of("a/3", 1, Bytes.EMPTY, false, MqttProperties.EMPTY, "p")));
        ByteBuf b = Unpooled.buffer();
        SessionStateCodec.write(b, s, System.nanoTime());
        SessionState r = SessionStateCodec.read(b, System.nanoTime());
        assertThat(r.id()).isEqualTo(id);
        assertThat(r.expirySeconds()).isEqualTo(0xFFFF_FFFFL);
        assertThat(r.subscriptions()).isEqualTo(s.subscriptions());
        assertThat(r.inflight().getFirst().packetId()).isEqualTo(65_535);
        assertThat(r.inflight().getFirst().released()).isTrue();
        assertThat(r.queued()).extracting(m -> m.payload().toUtf8String()).containsExactly("q1", "");
        assertThat(b.readableBytes()).isZero();
    }

    static Stream<ClusterCommand> commands() {
        SubscriberId id = new SubscriberId("", "c");
        return Stream.of(new ClusterCommand.Disconnect(id, true), new ClusterCommand.ReauthorizeSubscriptions(id, Optional.of("u")),
                new ClusterCommand.ReauthorizeSubscriptions(id, Optional.empty()), new ClusterCommand.InvalidateAuthClient(id),
                new ClusterCommand.InvalidateAuthUser(Optional.of("mp"), "u"), new ClusterCommand.InvalidateAuthAll(),
                new ClusterCommand.Script(ClusterCommand.ScriptAction.RELOAD, "scripts/auth.lua"));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandRoundTrips(ClusterCommand c) {
        ByteBuf b = Unpooled.buffer();
        CommandCodec.write(b, c);
        assertThat(CommandCodec.read(b)).isEqualTo(c);
    }

    @Test
    void aLengthBeyondTheFrameIsRefusedWithoutAllocatingIt() {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(Integer.MAX_VALUE);
        b.writeBytes(new byte[16]);
        assertThatThrownBy(() -> Wire.readString(b)).isInstanceOf(Wire.WireException.class);
        ByteBuf c = Unpooled.buffer();
        c.writeInt(-5);
        assertThatThrownBy(() -> Wire.readBytes(c)).isInstanceOf(Wire.WireException.class);
    }

    @Test
    void keysOfDifferentPartsNeverCollide() {
        assertThat(Keys.of("a|1:b", "c")).isNotEqualTo(Keys.of("a", "b|1:c"));
        assertThat(Keys.of("", "x")).isNotEqualTo(Keys.of("x", ""));
        assertThat(Keys.parts(Keys.of("node:1", "", "a/|/b"))).containsExactly("node:1", "", "a/|/b");
        assertThat(Keys.first(Keys.of("node:1", "x"))).isEqualTo("node:1");
        assertThatThrownBy(() -> Keys.parts("9:short")).isInstanceOf(IllegalArgumentException.class);
    }
}
