package io.polyhook.broker.store;

import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Stored values carry wall-clock time, so expiries keep running across a restart. */
class StoredMessageTest {

    private static final long MS = 1_000_000L;

    @Test
    void theTimeAMessageWaitedCarriesOverToAnotherProcess() {
        MqttProperties expiry = MqttProperties.builder().messageExpiryInterval(60).build();
        // Received at nanoTime 5 s, stored at nanoTime 15 s = wall clock 1,000,000 ms.
        Message received = new Message("t", 1, Bytes.utf8("x"), false, expiry, Optional.of("p"), List.of(3), 5_000 * MS);
        StoredMessage stored = StoredMessage.of(received, 15_000 * MS, 1_000_000);
        assertThat(stored.receivedAtMillis()).isEqualTo(990_000);

        // Read by a process whose nanoTime is 100 s at wall clock 1,030,000 ms: it waited 40 s.
        Message back = stored.toMessage(100_000 * MS, 1_030_000);
        assertThat(back.receivedNanos()).isEqualTo(60_000 * MS);
        assertThat(back.isExpired(100_000 * MS)).isFalse();
        assertThat(back.isExpired(120_000 * MS)).isTrue();
        assertThat(stored.isExpired(1_049_999)).isFalse();
        assertThat(stored.isExpired(1_050_000)).isTrue();
        assertThat(back).isEqualTo(new Message("t", 1, Bytes.utf8("x"), false, expiry, Optional.of("p"), List.of(3),
                60_000 * MS));
        assertThat(back.subscriptionIds()).containsExactly(3);
        assertThat(back.publisher()).contains("p");
    }

    @Test
    void aSessionExpiresCountingFromItsDisconnectOrFromTheStart() {
        SubscriberId id = new SubscriberId("", "c");
        StoredSession connected = StoredSession.connected(id, MqttVersion.V5, 60);
        assertThat(connected.isExpired(1_059_999, 1_000_000)).isFalse();
        assertThat(connected.isExpired(1_060_000, 1_000_000)).isTrue();
        StoredSession gone = connected.disconnectedAt(900_000);
        assertThat(gone.disconnectedAt()).isEqualTo(OptionalLong.of(900_000));
        assertThat(gone.isExpired(960_000, 1_000_000)).isTrue();
        assertThat(StoredSession.connected(id, MqttVersion.V5, StoredSession.NEVER).isExpired(Long.MAX_VALUE, 0)).isFalse();
    }
}
