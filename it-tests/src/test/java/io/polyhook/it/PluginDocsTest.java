package io.polyhook.it;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shell command of docs/java-plugins.md and docs/providers.md, run as written, from the root
 * of a copy of this checkout: {@code ./mvnw ... package} builds the example there, {@code cp}
 * drops it into {@code plugins/}, {@code bin/polyhook run --config polyhook.yaml} starts the broker
 * with the docs' own config and script, and {@code bin/polyhook plugin list} lists the plugin.
 *
 * <p>The blocks carry the directives of the repository's doc-test runner ({@code <!-- doctest:
 * start -->} keeps a broker running for the blocks after it, {@code <!-- doctest: file NAME -->}
 * writes a block to a file first). The docs use the broker's fixed default ports (1883, 8000,
 * 8888), so the blocks run in a network namespace of their own ({@code unshare -n}) where they
 * collide with nothing. The copy leaves the checkout's build outputs alone (a build inside the
 * build would rewrite jars the running tests read); only the broker's jar and the GraalJS runtime,
 * which the docs do not build, are linked from the checkout.
 */
class PluginDocsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern FENCE = Pattern.compile("^```\\s*([\\w-]*)\\s*$");
    private static final Pattern DIRECTIVE = Pattern.compile("^<!--\\s*doctest:\\s*(\\w+)\\s*(.*?)\\s*-->\\s*$");
    private static final Set<String> SHELLS = Set.of("sh", "bash", "shell");
    /** The admin API's default port: a broker started by a doc is up once it accepts there. */
    private static final int ADMIN_PORT = 8888;

    record Block(int line, String lang, String kind, String arg, String text) {
    }

    @TempDir
    Path checkout;

    @ParameterizedTest
    @ValueSource(strings = {"docs/java-plugins.md", "docs/providers.md"})
    void everyShellCommandOfTheGuideRunsAsWritten(String doc) throws Exception {
        List<Block> blocks = blocks(ROOT.resolve(doc));
        assertThat(blocks).as("shell blocks of %s", doc).anyMatch(b -> b.kind().equals("start"));
        copyCheckout();

        Result run = runInOwnNetwork(script(doc, blocks));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).as(run.output()).contains("== all blocks of " + doc + " ran");
        if (doc.endsWith("java-plugins.md")) {
            // bin/polyhook plugin list, as the guide shows it.
            assertThat(run.output()).containsPattern("json-guard +1\\.0\\.0 +started +0 +auth_on_publish,auth_on_publish_m5");
        }
    }

    /** The shell blocks, and the blocks a directive names (files), in document order. */
    static List<Block> blocks(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher f = FENCE.matcher(lines.get(i));
            if (!f.matches() || f.group(1).isEmpty()) {
                continue;
            }
            int start = i;
            StringBuilder text = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            int d = start - 1;
            while (d >= 0 && lines.get(d).isBlank()) {
                d--;
            }
            Matcher m = d >= 0 ? DIRECTIVE.matcher(lines.get(d).strip()) : null;
            if (m != null && m.matches()) {
                blocks.add(new Block(start + 1, f.group(1), m.group(1), m.group(2), text.toString()));
            } else if (SHELLS.contains(f.group(1))) {
                blocks.add(new Block(start + 1, f.group(1), "run", "", text.toString()));
            }
        }
        return blocks;
    }

    /**
     * One bash script that writes the file blocks, runs each run block with {@code bash -euo
     * pipefail} and each start block in a process group of its own until the broker's admin port
     * accepts, and stops what it started when it ends.
     */
    private String script(String doc, List<Block> blocks) throws IOException {
        Path dir = Files.createDirectories(checkout.resolve(".doctest"));
        StringBuilder s = new StringBuilder("""
                set -uo pipefail
                cd "%s"
                ip link set lo up 2>/dev/null || true
                started=()
                stop_all() {
                  for p in "${started[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
                  for p in "${started[@]}"; do
                    for _ in $(seq 1 120); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
                    kill -KILL -- "-$p" 2>/dev/null
                  done
                }
                trap stop_all EXIT
                up() {
                  local deadline=$((SECONDS + 600))
                  until (exec 3<>/dev/tcp/127.0.0.1/%d) 2>/dev/null; do
                    kill -0 "$1" 2>/dev/null || { echo "the block ended before the broker was up:"; cat "$2"; return 1; }
                    [ "$SECONDS" -lt "$deadline" ] || { echo "no broker after 600 s:"; cat "$2"; return 1; }
                    sleep 0.5
                  done
                }
                """.formatted(checkout, ADMIN_PORT));
        for (Block b : blocks) {
            if (b.kind().equals("file")) {
                Path target = checkout.resolve(b.arg()).normalize();
                assertThat(target.startsWith(checkout)).as("%s:%d writes inside the checkout", doc, b.line()).isTrue();
                assertThat(target).as("%s:%d must not overwrite a file of the repository", doc, b.line()).doesNotExist();
                Files.createDirectories(target.getParent());
                Files.writeString(target, b.text());
            }
        }
        for (Block b : blocks) {
            Path file = dir.resolve(b.line() + ".sh");
            switch (b.kind()) {
                case "run" -> {
                    Files.writeString(file, b.text());
                    s.append("echo '== %s:%d'\n".formatted(doc, b.line()));
                    s.append("bash -euo pipefail '%s' || { echo '%s:%d failed'; exit 1; }\n".formatted(file, doc, b.line()));
                }
                case "start" -> {
                    Files.writeString(file, b.text());
                    Path log = dir.resolve(b.line() + ".log");
                    s.append("echo '== %s:%d (start)'\n".formatted(doc, b.line()));
                    s.append("setsid bash -euo pipefail '%s' > '%s' 2>&1 &\n".formatted(file, log));
                    s.append("started+=($!)\n");
                    s.append("up $! '%s' || { echo '%s:%d did not start a broker'; exit 1; }\n".formatted(log, doc, b.line()));
                }
                case "file" -> { }
                default -> throw new AssertionError(doc + ":" + b.line() + ": no such doctest directive: " + b.kind());
            }
        }
        s.append("echo '== all blocks of %s ran'\n".formatted(doc));
        return s.toString();
    }

    record Result(int exit, String output) {
    }

    /** Runs {@code script} in a network namespace of its own, where it can, with a generous deadline. */
    private Result runInOwnNetwork(String script) throws Exception {
        Path file = Files.writeString(checkout.resolve(".doctest/run.sh"), script);
        boolean namespaces = new ProcessBuilder("unshare", "-n", "true").start().waitFor() == 0;
        List<String> command = namespaces ? List.of("unshare", "-n", "bash", file.toString()) : List.of("bash", file.toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(checkout.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // The copy is a project of its own, not the build that runs this test.
        pb.environment().remove("MAVEN_PROJECTBASEDIR");
        pb.environment().remove("MAVEN_BASEDIR");
        Process p = pb.start();
        // Read while it runs: a full pipe would stop the script.
        StringBuilder out = new StringBuilder(namespaces ? "" : "(no network namespace here: the docs' ports are the machine's)\n");
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.append("(output ended: ").append(e).append(')');
            }
        });
        if (!p.waitFor(25, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        }
        reader.join(TimeUnit.MINUTES.toMillis(1));
        return new Result(p.exitValue(), out.toString());
    }

    /**
     * The checkout's sources (no build outputs, no {@code .git}, nothing the docs create), with
     * the broker's jar and the GraalJS runtime linked.
     */
    private void copyCheckout() throws IOException {
        Set<String> skipped = Set.of("target", ".git", "node_modules", ".idea", ".vscode");
        try (Stream<Path> all = Files.walk(ROOT)) {
            for (Path from : (Iterable<Path>) all::iterator) {
                Path rel = ROOT.relativize(from);
                if (rel.toString().isEmpty()) {
                    continue;
                }
                if (skippedPath(rel, skipped)) {
                    continue;
                }
                Path to = checkout.resolve(rel.toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        link("broker-netty/target/polyhook.jar");
        link("engine-graaljs/target/graal");
    }

    private static boolean skippedPath(Path rel, Set<String> skipped) {
        for (Path part : rel) {
            if (skipped.contains(part.toString())) {
                return true;
            }
        }
        String top = rel.getName(0).toString();
        return top.equals("plugins") || top.equals("polyhook.yaml") || top.equals(".doctest");
    }

    private void link(String rel) {
        Path target = ROOT.resolve(rel);
        if (!Files.exists(target)) {
            throw new AssertionError(target + " is missing: build it first (./mvnw -pl it-tests -am verify builds it)");
        }
        try {
            Path link = checkout.resolve(rel);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
