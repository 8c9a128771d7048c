package io.polyhook.store.rocksdb.internal;

import io.polyhook.broker.store.InFlightEntry;
import io.polyhook.broker.store.InFlightStage;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.broker.store.StoredWill;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PayloadFormat;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The record formats: what goes in comes out, and damaged bytes are refused, never half-read. */
class RecordsTest {

    private static final MqttProperties EVERY_PROPERTY = MqttProperties.builder()
            .payloadFormat(PayloadFormat.UTF8).messageExpiryInterval(0xFFFF_FFFFL).contentType("application/json")
            .responseTopic("reply/to").correlationData(Bytes.utf8("c")).addSubscriptionIdentifier(1)
            .addSubscriptionIdentifier(268_435_455).sessionExpiryInterval(7).authenticationMethod("m")
            .authenticationData(Bytes.utf8("d")).requestProblemInformation(false).willDelayInterval(30)
            .requestResponseInformation(true).receiveMaximum(65_535).topicAliasMaximum(0).topicAlias(9)
            .addUserProperty("k", "é").addUserProperty("k", "").maximumPacketSize(1).build();

    private static StoredMessage message(MqttProperties p, Optional<String> publisher) {
        return new StoredMessage("a/ü/#x", 2, Bytes.utf8("payload"), true, p, publisher, List.of(1, 2, 3), -5);
    }

    @Test
    void aMessageWithEveryPropertyComesBackEqual() {
        for (StoredMessage m : List.of(message(EVERY_PROPERTY, Optional.of("pub")), message(MqttProperties.EMPTY,
                Optional.empty()), new StoredMessage("t", 0, Bytes.EMPTY, false, MqttProperties.EMPTY, Optional.empty(),
                List.of(), Long.MAX_VALUE))) {
            byte[] r = Records.message(m);
            assertThat(Records.message(r)).isEqualTo(m);
            byte[] queued = Records.queued(m, 300);
            assertThat(Records.queuedWeight(queued)).isEqualTo(300);
            assertThat(Records.queuedMessage(queued)).isEqualTo(m);
            assertThat(Records.inFlight(4, Records.inFlightFromQueued(InFlightStage.RELEASED, queued)))
                    .isEqualTo(new InFlightEntry(4, InFlightStage.RELEASED, m));
            assertThat(Records.inFlight(4, Records.inFlight(InFlightStage.SENT, m)))
                    .isEqualTo(new InFlightEntry(4, InFlightStage.SENT, m));
            assertThat(Records.will(Records.will(new StoredWill(m, 99)))).isEqualTo(new StoredWill(m, 99));
        }
    }

    @Test
    void aSessionComesBackEqual() {
        for (StoredSession s : List.of(
                StoredSession.connected(new SubscriberId("", ""), MqttVersion.V3_1, 0),
                new StoredSession(new SubscriberId("mp/ü", "client"), MqttVersion.V5, StoredSession.NEVER,
                        OptionalLong.of(-1), Integer.MAX_VALUE, true, false, Optional.of("user")),
                new StoredSession(new SubscriberId("m", "c"), MqttVersion.V3_1_1, 1, OptionalLong.empty(), -1, false,
                        true, Optional.empty()))) {
            assertThat(Records.session(Records.session(s))).isEqualTo(s);
        }
    }

    @ParameterizedTest(name = "cut after {0} bytes")
    @ValueSource(ints = {0, 1, 5, 10, 20, 40})
    void aTruncatedRecordIsRefused(int length) {
        byte[] r = Records.message(message(EVERY_PROPERTY, Optional.of("pub")));
        assertThatThrownBy(() -> Records.message(Arrays.copyOf(r, length))).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void unknownFormatsAndTrailingBytesAreRefused() {
        byte[] r = Records.message(message(MqttProperties.EMPTY, Optional.empty()));
        byte[] future = r.clone();
        future[0] = 2;
        assertThatThrownBy(() -> Records.message(future)).isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("format 2");
        byte[] longer = Arrays.copyOf(r, r.length + 1);
        assertThatThrownBy(() -> Records.message(longer)).isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("after the end");
        byte[] badQos = r.clone();
        badQos[1] = 3;
        assertThatThrownBy(() -> Records.message(badQos)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void keysSortAsTheirNumbers() {
        assertThat(Arrays.compareUnsigned(Keys.queued(1, 255), Keys.queued(1, 256))).isNegative();
        assertThat(Arrays.compareUnsigned(Keys.queued(1, Long.MAX_VALUE), Keys.sessionEnd(1))).isNegative();
        assertThat(Arrays.compareUnsigned(Keys.sessionEnd(1), Keys.queued(2, 0))).isNotPositive();
        assertThat(Keys.seqOf(Keys.queued(7, 123_456_789_012L))).isEqualTo(123_456_789_012L);
        assertThat(Keys.packetIdOf(Keys.packet(7, 65_535))).isEqualTo(65_535);
        byte[] k = Keys.named("mp", "a/b");
        assertThat(Keys.nameOf(k)).isEqualTo("mp");
        assertThat(Keys.restOf(k)).isEqualTo("a/b");
        // "a" and "ab" are different names: the length prefix keeps their ranges apart.
        assertThat(Arrays.compareUnsigned(Keys.prefixEnd(Keys.named("a", "")), Keys.named("ab", ""))).isNotPositive();
        assertThat(Keys.prefixEnd(new byte[] {1, (byte) 0xFF})).containsExactly(2);
        assertThat(Keys.prefixEnd(new byte[] {(byte) 0xFF})).isNull();
    }

    @Test
    void countersAddNegativeDeltasAsRocksDbsUint64AddDoes() {
        long sum = 0;
        for (long d : new long[] {5, -1, -4, 1_000, -999}) {
            sum += Counters.value(Counters.delta(d));
        }
        assertThat(sum).isEqualTo(1);
    }
}
