package io.polyhook.engine.luaj.syntax;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real Lua 5.3, for the tests that check their tables against it: {@code lua5.3} on the
 * {@code PATH} ({@code apt-get install lua5.3}) or {@code LUA53=/path/to/lua5.3}. Tests that use
 * it are skipped where it is not installed; the tables they check are tested without it.
 */
public final class Lua53Binary {

    private Lua53Binary() {
    }

    /** The {@code lua5.3} executable, if there is one. */
    public static Optional<Path> find() {
        return Stream.concat(Stream.ofNullable(System.getenv("LUA53")),
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).map(p -> p + "/lua5.3"))
                .filter(p -> !p.isBlank())
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Runs {@code lua} with {@code args}; returns what it printed (it must exit with 0). */
    public static String run(Path lua, String... args) throws Exception {
        String[] command = Stream.concat(Stream.of(lua.toString()), Stream.of(args)).toArray(String[]::new);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("lua5.3 failed: " + out);
        }
        return out;
    }
}
