package io.polyhook.store.rocksdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link StoreChild} in a JVM of its own. It reports to a file, one line per write(2) in append
 * mode: unlike a pipe, the file keeps every line a killed process wrote (the JDK may drop what is
 * still in a pipe when the process dies).
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path report;

    /** Starts {@code StoreChild <mode> <report file> args...}. */
    ChildJvm(Path report, String mode, String... args) throws IOException {
        this.report = report;
        Files.deleteIfExists(report);
        Files.createFile(report);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), StoreChild.class.getName(), mode, report.toString()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Waits for the line {@code expected}, returning false if the child ended or the time ran out. */
    boolean await(String expected, long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (lines().contains(expected)) {
                return true;
            }
            if (!process.isAlive()) {
                return lines().contains(expected);
            }
            Thread.sleep(20);
        }
        return false;
    }

    private List<String> lines() throws IOException {
        String text = Files.readString(report, StandardCharsets.UTF_8);
        // A line without its newline is still being written: not reported yet.
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }

    /** kill -9, then every line it reported. */
    List<String> kill() throws IOException, InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
        return lines();
    }

    /** Ends a {@code hold} child by closing its input; waits for it. */
    int release() throws IOException, InterruptedException {
        process.getOutputStream().close();
        process.waitFor(60, TimeUnit.SECONDS);
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
