package io.polyhook.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/polyhook run} of an unpacked archive, started from another working folder, with the
 * Java runtime these tests run on. Its output is kept line by line; {@link #close()} stops it
 * with SIGTERM, as systemd and docker do.
 */
final class RunningArchive implements AutoCloseable {

    /** Generous: a busy two-core machine starts GraalJS and the broker slowly. */
    static final Duration START = Duration.ofMinutes(3);

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);

    RunningArchive(Path home, Path workingDir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin").resolve("polyhook").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        process = pb.start();
        process.getOutputStream().close();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    if (line.contains(" started in ")) {
                        started.countDown();
                    }
                }
            } catch (IOException e) {
                lines.add("(output lost: " + e + ")");
            } finally {
                started.countDown();
                ended.countDown();
            }
        }, "archive-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits for the banner's last line; fails with the output if the broker stopped or took too long. */
    RunningArchive awaitStarted() throws InterruptedException {
        if (!started.await(START.toSeconds(), TimeUnit.SECONDS) || !process.isAlive()) {
            throw new AssertionError("bin/polyhook run did not start:\n" + String.join("\n", lines));
        }
        return this;
    }

    /** Every line so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** The first group of {@code regex} in the first line that has it. */
    String find(String regex) {
        Pattern p = Pattern.compile(regex);
        for (String line : lines) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no line matches " + regex + ":\n" + String.join("\n", lines));
    }

    long pid() {
        return process.pid();
    }

    /** Stops the broker with SIGTERM and waits for it; returns its exit status. */
    int stop() throws InterruptedException {
        // Through the handle: Process.destroy() would also close the output before the last lines are read.
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/polyhook run did not stop within 60 s of SIGTERM");
        }
        ended.await(10, TimeUnit.SECONDS);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
