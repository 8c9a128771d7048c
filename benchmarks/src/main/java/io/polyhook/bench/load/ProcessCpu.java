package io.polyhook.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time a process has used so far (user and system, all its threads, those that ended
 * included), from {@code /proc/PID/stat} on Linux. On a machine whose cores are shared with other
 * work, a broker's CPU time per message is a steadier measure than its rate: the rate falls when
 * other processes take the cores, the CPU a message costs much less.
 */
final class ProcessCpu {

    // USER_HZ, the unit of utime and stime: 100 on every Linux the JDK supports.
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final Path stat;

    ProcessCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
    }

    /** CPU nanoseconds used so far, at a resolution of 10 ms. */
    long nanos() {
        String line;
        try {
            line = Files.readString(stat);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stat, e);
        }
        return ticks(line) * NANOS_PER_TICK;
    }

    /**
     * Times a thread of the process slept and was woken so far ({@code voluntary_ctxt_switches} of
     * every live thread): at a low rate, what a message costs in thread hand-offs.
     */
    long wakeups() {
        long sum = 0;
        try (var tasks = Files.list(stat.getParent().resolve("task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String l : Files.readAllLines(task.resolve("status"))) {
                        if (l.startsWith("voluntary_ctxt_switches:")) {
                            sum += Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the threads of " + stat.getParent(), e);
        }
        return sum;
    }

    /** utime + stime of a {@code stat} line; the command name in parentheses may hold spaces. */
    static long ticks(String statLine) {
        String[] f = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split(" ");
        // After the name: state is field 3 of proc(5), so utime (14) and stime (15) are at 11 and 12.
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
