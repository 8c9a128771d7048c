package io.polyhook.broker.routing;

import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MessageTest {

    private static final long S = 1_000_000_000L;

    private static Message received(long atNanos, MqttProperties props) {
        return new Message("t", 1, Bytes.utf8("p"), false, props, Optional.empty(), List.of(), atNanos);
    }

    @Test
    void messageWithoutExpiryNeverExpires() {
        Message m = received(0, MqttProperties.EMPTY);
        assertThat(m.isExpired(1_000_000 * S)).isFalse();
        assertThat(m.withRemainingExpiry(1_000_000 * S)).isSameAs(m);
    }

    @Test
    void expiryIntervalCountsFromReception() {
        Message m = received(100 * S, MqttProperties.builder().messageExpiryInterval(10).build());
        assertThat(m.isExpired(109 * S)).isFalse();
        assertThat(m.isExpired(110 * S)).isTrue();
    }

    @Test
    void forwardedExpiryIsReducedByTheWaitingTime() {
        Message m = received(100 * S, MqttProperties.builder().messageExpiryInterval(10).build());
        assertThat(m.withRemainingExpiry(103 * S + 500_000_000L).properties().messageExpiryInterval()).hasValue(7);
        // The original keeps its interval, so a later resend computes from reception again.
        assertThat(m.properties().messageExpiryInterval()).hasValue(10);
    }
}
