package io.polyhook.core.hook;

import io.polyhook.spi.Hooks;
import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class HookIndexTest {

    @Test
    void indexesAreDenseAndMatchThePositionInHooksAll() {
        assertThat(Hooks.all()).extracting(HookIndex::of)
                .containsExactlyElementsOf(IntStream.range(0, HookIndex.COUNT).boxed().toList());
        assertThat(HookIndex.COUNT).isEqualTo(22);
    }
}
