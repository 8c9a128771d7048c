package io.polyhook.bench.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker's CPU time as the load generator reads it from /proc. */
class ProcessCpuTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "plain name         | 4242 (java) S 1 4242 4242 0 -1 4194560 9 0 0 0 1500 230 0 0 20 0 61 0 77 | 1730",
            "name with spaces   | 7 (C2 Compiler) S 1 7 7 0 -1 4194560 9 0 0 0 3 4 0 0 20 0 1 0 77       | 7",
            "name with a paren  | 9 (a) b) R 1 9 9 0 -1 4194560 9 0 0 0 0 0 0 0 20 0 1 0 77           | 0"})
    void cpuTicksAreUserPlusSystemTime(String what, String statLine, long ticks) {
        assertThat(ProcessCpu.ticks(statLine)).isEqualTo(ticks);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theCpuTimeOfARunningProcessGrowsAsItComputes() {
        ProcessCpu self = new ProcessCpu(ProcessHandle.current().pid());
        long before = self.nanos();
        long sink = 0;
        // Until the clock has moved by a tick (10 ms of CPU): a latch on CPU time, not a sleep. At
        // least one pass: the other threads of this JVM may move the clock before the first look.
        do {
            for (int i = 0; i < 1_000_000; i++) {
                sink += i ^ sink;
            }
        } while (self.nanos() == before);
        assertThat(self.nanos()).isGreaterThan(before);
        assertThat(sink).isNotZero();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aThreadThatWaitsAndIsWokenCountsAsAWakeUp() throws Exception {
        ProcessCpu self = new ProcessCpu(ProcessHandle.current().pid());
        long before = self.wakeups();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            started.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Alive until counted: only live threads are read.
            while (!Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait();
            }
        });
        waiter.start();
        started.await();
        go.countDown();
        long after = self.wakeups();
        waiter.interrupt();
        waiter.join();

        assertThat(after).isGreaterThan(before);
    }
}
