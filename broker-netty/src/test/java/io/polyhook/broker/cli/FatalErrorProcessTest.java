package io.polyhook.broker.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** In the broker's own process an Error that ends a thread ends the process, with one line on standard error. */
class FatalErrorProcessTest {

    @Test
    void aThreadEndedByAnErrorEndsTheProcessWithOneLineAndStatus70() throws Exception {
        Subprocess p = Subprocess.run(Map.of(), FatalErrorProbe.class.getName());
        assertThat(p.exitStatus()).isEqualTo(70);
        assertThat(p.err().strip()).isEqualTo(
                "polyhook: fatal: OutOfMemoryError: Java heap space (probe) on thread probe-thread; stopping");
    }
}
