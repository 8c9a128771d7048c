package io.polyhook.bench.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;

/**
 * The messages of a run whose end-to-end latency was over a threshold, with their wall-clock send
 * times, so that a stall can be matched by time to what the broker logged (GC, safepoints, JFR
 * events). Each message carries two stamps: the pacing thread's send time and the publisher's
 * write to the socket; the split tells the generator's own delay from the broker's (and the
 * subscriber's wake-up).
 *
 * <p>The header of a run counts the outliers sent in its first {@link #START_NANOS}: there the
 * broker sees the run's new connections (CONNECT, SUBSCRIBE, a subscriber moving to its publisher's
 * event loop), and a JVM broker new paths through code compiled for PUBLISH alone.
 *
 * <p>Bounded: at most {@link #CAPACITY} outliers are kept per run; the rest are only counted.
 * Recorded on the subscribers' event loops (rarely: only the slow messages), so it synchronizes.
 */
final class Outliers {

    static final int CAPACITY = 20_000;
    /** The start of a run, whose new connections make the broker take new paths: counted apart. */
    static final long START_NANOS = 200_000_000L;

    private final long thresholdNanos;
    // Converts System.nanoTime() to wall-clock time: taken together once.
    private final long wallNanosAtStart;
    private final long nanoTimeAtStart;
    private final long[] sent = new long[CAPACITY];
    private final long[] written = new long[CAPACITY];
    private final long[] arrived = new long[CAPACITY];
    private int kept;
    private long counted;
    private long startNanos;

    Outliers(long thresholdMicros) {
        this.thresholdNanos = thresholdMicros * 1_000;
        Instant now = Instant.now();
        this.nanoTimeAtStart = System.nanoTime();
        this.wallNanosAtStart = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The run's first message is about to be sent ({@link System#nanoTime()}). */
    synchronized void started(long nanos) {
        startNanos = nanos;
    }

    /** A delivery: stamps are {@link System#nanoTime()}; {@code writtenNanos} 0 if the payload had no room for it. */
    void delivered(long sentNanos, long writtenNanos, long arrivedNanos) {
        if (arrivedNanos - sentNanos < thresholdNanos) {
            return;
        }
        synchronized (this) {
            counted++;
            if (kept < CAPACITY) {
                sent[kept] = sentNanos;
                written[kept] = writtenNanos;
                arrived[kept] = arrivedNanos;
                kept++;
            }
        }
    }

    /** Outliers seen (kept or not). */
    synchronized long count() {
        return counted;
    }

    /**
     * Appends this run's outliers to {@code file}, one line each: label, send time (UTC, µs),
     * total µs, generator µs (send to write), broker µs (write to arrival at the subscriber).
     */
    synchronized void appendTo(Path file, String label) {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            int early = 0;
            for (int i = 0; i < kept; i++) {
                early += sent[i] - startNanos < START_NANOS ? 1 : 0;
            }
            out.printf(Locale.ROOT, "# %s: %d messages over %d us (%d kept), first sent at %s, %d of them in the first %d ms%n",
                    label, counted, thresholdNanos / 1_000, kept, wallClock(startNanos), early, START_NANOS / 1_000_000);
            for (int i = 0; i < kept; i++) {
                Instant at = wallClock(sent[i]);
                long generator = written[i] == 0 ? -1 : (written[i] - sent[i]) / 1_000;
                long broker = written[i] == 0 ? -1 : (arrived[i] - written[i]) / 1_000;
                out.printf(Locale.ROOT, "%s %s %d %d %d%n", label, at, (arrived[i] - sent[i]) / 1_000, generator, broker);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the outliers to " + file, e);
        }
    }

    private Instant wallClock(long nanoTime) {
        long wall = wallNanosAtStart + (nanoTime - nanoTimeAtStart);
        return Instant.ofEpochSecond(Math.floorDiv(wall, 1_000_000_000L), Math.floorMod(wall, 1_000_000_000L));
    }
}
