package io.polyhook.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The archive the build made ({@code polyhook-<version>.tar.gz}), unpacked with tar as an operator would. */
final class Archive {

    static final Path FILE = Path.of(System.getProperty("polyhook.archive", "target/polyhook-unknown.tar.gz"));
    static final String VERSION = System.getProperty("polyhook.version", "unknown");
    /** The files the archive is made of, in the source tree ({@code distribution/src/dist}). */
    static final Path SOURCE = Path.of(System.getProperty("polyhook.source", "src/dist"));

    private Archive() {
    }

    /** Unpacks the archive into {@code dir}; returns its top folder, {@code polyhook-<version>}. */
    static Path unpack(Path dir) {
        run(dir, "tar", "-xzf", FILE.toAbsolutePath().toString());
        Path home = dir.resolve("polyhook-" + VERSION);
        if (!Files.isDirectory(home)) {
            throw new AssertionError(FILE + " has no polyhook-" + VERSION + "/ folder");
        }
        return home;
    }

    /** Runs a command to its end (at most two minutes); returns its output; fails on a non-zero exit. */
    static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within two minutes");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
