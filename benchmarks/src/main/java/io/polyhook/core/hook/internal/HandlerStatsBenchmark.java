package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.HandlerOrigin;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the statistics of a handler cost per hook call, as {@link SerialLane} pays it: the clock
 * read at the end of the call and the recording ({@link HandlerStats#recordCall}), into the one
 * {@link HandlerStats} that every client's lane shares for a handler. {@link #oneLane()} from one
 * thread, {@link #twoLanes()} from two at once (two lanes on the two carriers of a small machine).
 * In this package because the recording is not API.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar HandlerStatsBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandlerStatsBenchmark {

    private final HandlerStats stats = new HandlerStats(HandlerOrigin.plugin("bench"), "auth_on_publish");

    /** A lane's clock: the last call ended when the next one starts. */
    @State(Scope.Thread)
    public static class Lane {
        long start = System.nanoTime();

        long record(HandlerStats stats) {
            long end = System.nanoTime();
            stats.recordCall(end - start);
            start = end;
            return end;
        }
    }

    /** One call's recording, one thread. */
    @Benchmark
    @Threads(1)
    public long oneLane(Lane lane) {
        return lane.record(stats);
    }

    /** One call's recording, two threads recording into the same statistics. */
    @Benchmark
    @Threads(2)
    public long twoLanes(Lane lane) {
        return lane.record(stats);
    }
}
