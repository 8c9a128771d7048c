package io.polyhook.broker.routing;

import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetainedStoreTest {

    private static Message msg(String topic, String payload) {
        return Message.of(topic, 1, Bytes.utf8(payload), true, MqttProperties.EMPTY, "c");
    }

    @Test
    void storesReplacesAndClearsWithEmptyPayload() {
        RetainedStore store = new RetainedStore();
        store.retain("", msg("a/b", "1"));
        store.retain("", msg("a/b", "2"));
        assertThat(store.matching("", "a/+")).extracting(m -> m.payload().toUtf8String()).containsExactly("2");
        store.retain("", msg("a/b", ""));
        assertThat(store.matching("", "#")).isEmpty();
        assertThat(store.size("")).isZero();
    }

    @Test
    void wildcardsDoNotReturnDollarTopicsAndMountpointsAreIsolated() {
        RetainedStore store = new RetainedStore();
        store.retain("", msg("$SYS/x", "s"));
        store.retain("m", msg("x", "m"));
        assertThat(store.matching("", "#")).isEmpty();
        assertThat(store.matching("", "$SYS/#")).hasSize(1);
        assertThat(store.matching("m", "#")).hasSize(1);
    }
}
