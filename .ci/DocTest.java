import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The doc-test runner: every shell block (```sh, ```bash) of the repository's Markdown files is run,
 * from the repository's root, so that no command in the docs rots. Run by .ci/run inside a network
 * namespace of its own, so the docs' fixed ports (1883, 8000, 8888) collide with nothing:
 *
 * <pre>java .ci/DocTest.java [FILE.md ...]</pre>
 *
 * An HTML comment right before a block says how it is run (default: run):
 * <ul>
 *   <li>{@code <!-- doctest: run -->} with bash -euo pipefail; it must exit 0 within 10 minutes;</li>
 *   <li>{@code <!-- doctest: background -->} a command that runs until stopped (bin/polyhook run): it
 *       must print the banner's " started in " line and still run, then it is stopped with SIGTERM;</li>
 *   <li>{@code <!-- doctest: start -->} like background, but it keeps running for the blocks after it, until
 *       the next background or start block or the end of the file;</li>
 *   <li>{@code <!-- doctest: ci -->} .ci/run runs these very lines itself (checked: each is in .ci/run);</li>
 *   <li>{@code <!-- doctest: manual REASON -->} not run here, for the reason given (a measurement of
 *       minutes, systemd as PID 1, a Docker engine); only checked by bash -n;</li>
 *   <li>{@code <!-- doctest: file NAME -->} before any block (yaml, ...): its text is written to NAME
 *       (relative to the root) before the file's blocks run, and removed after them.</li>
 * </ul>
 * A file may hold {@code <!-- doctest-broker: ARGS -->}: {@code bin/polyhook ARGS} is started before
 * its blocks and stopped after them. What a block leaves running is stopped with it (its process group).
 * The last line is "N passed, N failed" (manual blocks are counted as skipped).
 */
public class DocTest {

    private static final Pattern FENCE = Pattern.compile("^```\\s*([\\w-]*)\\s*$");
    private static final Pattern DIRECTIVE = Pattern.compile("^<!--\\s*doctest:\\s*(\\w+)\\s*(.*?)\\s*-->\\s*$");
    private static final Pattern BROKER = Pattern.compile("^<!--\\s*doctest-broker:\\s*(.*?)\\s*-->\\s*$", Pattern.MULTILINE);
    private static final Duration BLOCK_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final List<String> SHELLS = List.of("sh", "bash", "shell");

    record Block(Path file, int line, String lang, String kind, String arg, String text) {
        String where() {
            return file + ":" + line;
        }
    }

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static int passed;
    private static int failed;
    private static int skipped;

    public static void main(String[] args) throws Exception {
        List<Path> files = new ArrayList<>();
        if (args.length > 0) {
            for (String a : args) {
                files.add(Path.of(a));
            }
        } else {
            files.addAll(defaultFiles());
        }
        for (Path f : files) {
            runFile(f);
        }
        System.out.println();
        System.out.println("doctest: " + skipped + " manual block(s) not run (see above for why)");
        System.out.println(passed + " passed, " + failed + " failed, " + skipped + " skipped");
        System.exit(failed == 0 ? 0 : 1);
    }

    /** README.md, docs/, and every README or .md of the modules, examples and the archive. */
    static List<Path> defaultFiles() throws IOException {
        try (Stream<Path> all = Files.walk(ROOT)) {
            return all.filter(p -> p.toString().endsWith(".md"))
                    .map(ROOT::relativize)
                    .filter(p -> !p.startsWith(".git") && !p.startsWith(".ci") && !p.toString().contains("/target/")
                            && !p.startsWith("target") && !p.startsWith("node_modules"))
                    .sorted()
                    .toList();
        }
    }

    static List<Block> parse(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher f = FENCE.matcher(lines.get(i));
            if (!f.matches() || f.group(1).isEmpty()) {
                continue;
            }
            String lang = f.group(1);
            int start = i;
            StringBuilder text = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            String kind = "run";
            String arg = "";
            int d = start - 1;
            while (d >= 0 && lines.get(d).isBlank()) {
                d--;
            }
            Matcher m = d >= 0 ? DIRECTIVE.matcher(lines.get(d).strip()) : null;
            if (m != null && m.matches()) {
                kind = m.group(1);
                arg = m.group(2);
            } else if (!SHELLS.contains(lang)) {
                continue;
            }
            blocks.add(new Block(file, start + 1, lang, kind, arg, text.toString()));
        }
        return blocks;
    }

    static void runFile(Path file) throws Exception {
        List<Block> blocks = parse(file);
        if (blocks.isEmpty()) {
            return;
        }
        System.out.println("== " + file);
        List<Path> written = new ArrayList<>();
        // What a doc's blocks put into the folders a broker run from the root uses (a plugin copied
        // into plugins/, a store in data/) must not change the blocks of the next doc.
        Map<Path, Set<Path>> before = new HashMap<>();
        Set<Path> existed = new HashSet<>();
        for (String folder : BROKER_FOLDERS) {
            Path f = ROOT.resolve(folder);
            before.put(f, entries(f));
            if (Files.isDirectory(f)) {
                existed.add(f);
            }
        }
        Process broker = null;
        Process started = null;
        try {
            for (Block b : blocks) {
                if (b.kind().equals("file")) {
                    Path target = ROOT.resolve(b.arg());
                    if (Files.exists(target)) {
                        fail(b, b.arg() + " exists already; a doc's file must not overwrite one of the repository's");
                        return;
                    }
                    Files.writeString(target, b.text());
                    written.add(target);
                }
            }
            Matcher bm = BROKER.matcher(Files.readString(file));
            if (bm.find()) {
                broker = start("bin/polyhook " + bm.group(1), file + " (doctest-broker)");
                if (broker == null) {
                    return;
                }
            }
            for (Block b : blocks) {
                switch (b.kind()) {
                    case "file" -> { }
                    case "run" -> run(b);
                    case "background", "start" -> {
                        if (started != null) {
                            stop(started);
                            started = null;
                        }
                        if (b.kind().equals("background")) {
                            background(b);
                        } else {
                            started = start(b.text(), b.where());
                            if (started != null) {
                                pass(b, "started, runs for the blocks after it");
                            }
                        }
                    }
                    case "ci" -> ci(b);
                    case "manual" -> manual(b);
                    default -> fail(b, "unknown doctest directive \"" + b.kind() + "\"");
                }
            }
        } finally {
            if (started != null) {
                stop(started);
            }
            if (broker != null) {
                stop(broker);
            }
            for (Path p : written) {
                Files.deleteIfExists(p);
            }
            for (Map.Entry<Path, Set<Path>> e : before.entrySet()) {
                for (Path p : entries(e.getKey())) {
                    if (!e.getValue().contains(p)) {
                        deleteTree(p);
                    }
                }
                if (!existed.contains(e.getKey()) && Files.isDirectory(e.getKey())) {
                    try (Stream<Path> left = Files.list(e.getKey())) {
                        if (left.findAny().isEmpty()) {
                            Files.delete(e.getKey());
                        }
                    }
                }
            }
        }
    }

    private static final List<String> BROKER_FOLDERS = List.of("plugins", "data", "log");

    private static Set<Path> entries(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.collect(Collectors.toSet());
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    static void run(Block b) throws Exception {
        if (!SHELLS.contains(b.lang())) {
            fail(b, "only shell blocks run (```sh or ```bash), this is ```" + b.lang());
            return;
        }
        Process p = bash(b.text());
        String out = drain(p, BLOCK_TIMEOUT);
        if (p.isAlive()) {
            killGroup(p);
            fail(b, "still running after " + BLOCK_TIMEOUT.toMinutes() + " min\n" + out);
        } else if (p.exitValue() != 0) {
            killGroup(p);
            fail(b, "exit status " + p.exitValue() + "\n" + out);
        } else {
            killGroup(p); // what it left in the background
            pass(b, "run");
        }
    }

    static void background(Block b) throws Exception {
        Process p = start(b.text(), b.where());
        if (p != null) {
            stop(p);
            pass(b, "background");
        }
    }

    /** Starts a long-running command; null (and a failure) unless it prints " started in " and stays up. */
    static Process start(String script, String where) throws Exception {
        Process p = bash(script);
        StringBuilder out = new StringBuilder();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        InputStream in = p.getInputStream();
        byte[] buf = new byte[8192];
        while (System.nanoTime() < deadline) {
            while (in.available() > 0) {
                int n = in.read(buf);
                out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            if (out.indexOf(" started in ") >= 0) {
                // Keep reading its output, so that a full pipe never blocks it.
                Thread drain = new Thread(() -> {
                    try {
                        in.transferTo(OutputStreamSink.INSTANCE);
                    } catch (IOException ignored) {
                        // it stopped
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return p;
            }
            if (!p.isAlive() && in.available() == 0) {
                break;
            }
            Thread.sleep(100);
        }
        killGroup(p);
        failed++;
        System.out.println("FAIL " + where + ": did not start (no \" started in \" line)\n" + indent(out.toString()));
        return null;
    }

    static void ci(Block b) throws IOException {
        String ci = Files.readString(ROOT.resolve(".ci/run"));
        for (String line : b.text().lines().map(DocTest::command).filter(l -> !l.isEmpty()).toList()) {
            if (!ci.contains(line)) {
                fail(b, "marked ci, but .ci/run does not run: " + line);
                return;
            }
        }
        pass(b, "run by .ci/run");
    }

    static void manual(Block b) throws Exception {
        if (b.arg().isBlank()) {
            fail(b, "a manual block must say why it is not run: <!-- doctest: manual REASON -->");
            return;
        }
        Process p = new ProcessBuilder("bash", "-n").redirectErrorStream(true).start();
        p.getOutputStream().write(b.text().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = drain(p, Duration.ofSeconds(30));
        if (p.exitValue() != 0) {
            fail(b, "not valid shell:\n" + out);
            return;
        }
        skipped++;
        System.out.println("MANUAL " + b.where() + ": " + b.arg());
    }

    /** A line without its trailing comment. */
    static String command(String line) {
        int hash = line.indexOf(" #");
        return (hash >= 0 ? line.substring(0, hash) : line).strip();
    }

    static Process bash(String script) throws IOException {
        // setsid: the block gets a process group of its own, so that whatever it starts can be stopped with it.
        ProcessBuilder pb = new ProcessBuilder("setsid", "bash", "-euo", "pipefail", "-c", script)
                .directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("CI", "true");
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    static String drain(Process p, Duration timeout) throws Exception {
        StringBuilder out = new StringBuilder();
        Thread t = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // killed
            }
        });
        t.setDaemon(true);
        t.start();
        p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        t.join(2_000);
        synchronized (out) {
            return out.toString();
        }
    }

    static void stop(Process p) throws Exception {
        killGroup(p);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).start().waitFor();
        }
    }

    static void killGroup(Process p) throws Exception {
        new ProcessBuilder("kill", "-TERM", "--", "-" + p.pid()).redirectErrorStream(true).start().waitFor();
        p.waitFor(60, TimeUnit.SECONDS);
    }

    static void pass(Block b, String how) {
        passed++;
        System.out.println("ok   " + b.where() + " (" + how + ")");
    }

    static void fail(Block b, String why) {
        failed++;
        System.out.println("FAIL " + b.where() + ": " + indent(why));
    }

    static String indent(String s) {
        return s.strip().replace("\n", "\n     ");
    }

    /** Discards what a background command prints once it has started. */
    static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
