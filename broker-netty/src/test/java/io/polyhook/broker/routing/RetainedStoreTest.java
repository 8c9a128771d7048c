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

    @Test
    void filtersWalkOnlyTheirBranchesAndMatchLikeSubscriptions() {
        RetainedStore store = new RetainedStore();
        for (String t : new String[] {"a", "a/b", "a/b/c", "a/x/c", "b/b/c", "/lead"}) {
            store.retain("", msg(t, t));
        }
        assertThat(store.matching("", "a/#")).extracting(m -> m.topic())
                .containsExactlyInAnyOrder("a", "a/b", "a/b/c", "a/x/c");
        assertThat(store.matching("", "a/+/c")).extracting(m -> m.topic()).containsExactlyInAnyOrder("a/b/c", "a/x/c");
        assertThat(store.matching("", "+/b/c")).extracting(m -> m.topic()).containsExactlyInAnyOrder("a/b/c", "b/b/c");
        assertThat(store.matching("", "a/b")).extracting(m -> m.topic()).containsExactly("a/b");
        assertThat(store.matching("", "+/lead")).extracting(m -> m.topic()).containsExactly("/lead");
        assertThat(store.matching("", "#")).hasSize(6);
        assertThat(store.totalSize()).isEqualTo(6);
    }

    @Test
    void clearingALeafPrunesItsEmptyBranch() {
        RetainedStore store = new RetainedStore();
        store.retain("", msg("deep/er/still", "x"));
        store.retain("", msg("deep/er/still", ""));
        assertThat(store.size("")).isZero();
        assertThat(store.matching("", "deep/#")).isEmpty();
        store.retain("", msg("never/there", ""));
        assertThat(store.size("")).isZero();
    }

    @Test
    void pastItsCountARetainedMessageForANewTopicIsNotKept() {
        RetainedStore store = new RetainedStore(2, Long.MAX_VALUE);
        assertThat(store.retain("", msg("a", "1"))).isTrue();
        assertThat(store.retain("m", msg("b", "2"))).isTrue();
        assertThat(store.retain("", msg("c", "3"))).isFalse();
        assertThat(store.retain("", msg("a", "4"))).as("a replacement needs no room").isTrue();
        assertThat(store.matching("", "#")).extracting(m -> m.payload().toUtf8String()).containsExactly("4");
        assertThat(store.totalSize()).isEqualTo(2);
        assertThat(store.refusedCount()).isEqualTo(1);
        store.retain("", msg("a", ""));
        assertThat(store.retain("", msg("c", "5"))).isTrue();
    }

    @Test
    void pastItsBytesNothingMoreIsKeptAndARefusedReplacementLeavesNoStaleValue() {
        long small = msg("a", "1").heapBytes();
        RetainedStore store = new RetainedStore(100, 2 * small);
        assertThat(store.retain("", msg("a", "1"))).isTrue();
        assertThat(store.retain("", msg("b", "2"))).isTrue();
        assertThat(store.retain("", msg("c", "3"))).isFalse();
        assertThat(store.retain("", msg("a", "a much larger value"))).isFalse();
        assertThat(store.matching("", "#")).extracting(Message::topic).containsExactly("b");
        assertThat(store.bytes()).isEqualTo(small);
    }
}
