package io.polyhook.core.script;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatePoolTest {

    @Test
    void statesAreHandedOutInTurn() throws Exception {
        StatePool<String> pool = new StatePool<>("s.lua", "Lua state", List.of("a", "b"), Duration.ofSeconds(1));

        String first = pool.borrow();
        pool.release(first);
        String second = pool.borrow();

        assertThat(List.of(first, second)).containsExactly("a", "b");
    }

    @Test
    void aCallerWaitsABoundedTimeForAFreeState() throws Exception {
        StatePool<String> pool = new StatePool<>("s.lua", "Lua state", List.of("only"), Duration.ofMillis(20));
        pool.borrow();

        assertThatThrownBy(pool::borrow).isInstanceOf(ScriptCallException.class)
                .hasMessage("s.lua: no free Lua state within 20 ms (all 1 busy)");
    }
}
