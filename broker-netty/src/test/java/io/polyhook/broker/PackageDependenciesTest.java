package io.polyhook.broker;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker's packages and who uses whom, read from the main sources (imports and fully
 * qualified names alike): routing knows nothing of sessions or connections, so that a durable
 * queue or a cluster node can become a delivery target; and no two packages use each other, in a
 * circle of any length.
 */
class PackageDependenciesTest {

    private static final String ROOT = "io.polyhook.broker";
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    // A type of the broker, fully qualified: the package is what comes before the first capital.
    private static final Pattern REFERENCE = Pattern.compile("io\\.polyhook\\.broker((?:\\.[a-z]\\w*)*)\\.[A-Z]");

    /**
     * Cycles that predate the core's reshaping and lie outside it, through the root package (the
     * embedding API, which wires everything, and whose {@code BoundListener} the transport makes).
     * Any other cycle fails the test.
     */
    private static final Set<Set<String>> KNOWN_CYCLES = Set.of(
            Set.of("", "admin", "metrics", "transport"));

    private static Map<String, Set<String>> uses;

    @BeforeAll
    static void readSources() throws IOException {
        uses = new TreeMap<>();
        Path sources = Path.of("src/main/java/io/polyhook/broker");
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(PackageDependenciesTest::read);
        }
    }

    private static void read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher p = PACKAGE.matcher(text);
        if (!p.find()) {
            return;
        }
        String pkg = shortName(p.group(1));
        Set<String> deps = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(text.substring(p.end()));
        while (m.find()) {
            String dep = shortName(ROOT + m.group(1));
            if (!dep.equals(pkg)) {
                deps.add(dep);
            }
        }
    }

    /** "" for the root package, "routing" for io.polyhook.broker.routing. */
    private static String shortName(String pkg) {
        return pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
    }

    @Test
    void theSourcesWereFound() {
        assertThat(uses).containsKeys("", "routing", "session", "connection", "codec", "transport");
    }

    @Test
    void routingUsesNeitherSessionsNorConnections() {
        assertThat(uses.get("routing")).doesNotContain("session", "connection", "transport", "hooks", "hookbridge");
    }

    @Test
    void theSessionLayerKnowsNothingOfConnectionsScriptsOrTheTransport() {
        assertThat(uses.get("session")).doesNotContain("connection", "transport", "hooks");
    }

    @Test
    void theWireCodecKnowsNothingOfSessionsOrConnections() {
        assertThat(uses.get("codec")).doesNotContain("session", "connection", "hookbridge");
    }

    @Test
    void noPackagesUseEachOtherInACircle() {
        assertThat(cycles()).isSubsetOf(KNOWN_CYCLES);
    }

    /** The strongly connected components of more than one package (Tarjan). */
    private static List<Set<String>> cycles() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<Set<String>> out = new ArrayList<>();
        for (String v : uses.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, index, low, stack, out);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                                List<Set<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        for (String w : uses.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, index, low, stack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }
}
