package io.polyhook.core;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
 * What of core-api is API, read from the sources: engine and provider authors code against the
 * packages without {@code internal} in their name, whose every public type is documented; what
 * only the broker uses (registry mutation, the dispatcher and its lanes, script versions, the
 * plugin host) lives in {@code internal} packages, which the API packages never name, and which
 * the engines and providers of this repository do not use either. No two packages use each other.
 */
class CorePackagesTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    // A core type, fully qualified (import or in the text): the package is what comes before the first capital.
    private static final Pattern REFERENCE = Pattern.compile("io\\.polyhook\\.core((?:\\.[a-z]\\w*)*)\\.[A-Z]");
    private static final Pattern INTERNAL = Pattern.compile("io\\.polyhook\\.core(?:\\.[a-z]\\w*)*\\.internal\\b");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public (?:(?:final|abstract|sealed|non-sealed) )*(?:class|interface|record|enum|@interface) (\\w+)",
            Pattern.MULTILINE);

    /** Package → the core packages its main sources name. */
    private static final Map<String, Set<String>> USES = new TreeMap<>();
    /** Package → the public top-level types declared in it. */
    private static final Map<String, Set<String>> TYPES = new TreeMap<>();
    private static final List<String> UNDOCUMENTED = new ArrayList<>();

    @BeforeAll
    static void readSources() throws IOException {
        for (Path file : javaFiles(SOURCES)) {
            String text = Files.readString(file);
            Matcher p = PACKAGE.matcher(text);
            if (!p.find()) {
                continue;
            }
            String pkg = p.group(1);
            Set<String> deps = USES.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher m = REFERENCE.matcher(text.substring(p.end()));
            while (m.find()) {
                String dep = "io.polyhook.core" + m.group(1);
                if (!dep.equals(pkg)) {
                    deps.add(dep);
                }
            }
            Matcher t = PUBLIC_TYPE.matcher(text);
            if (t.find()) {
                TYPES.computeIfAbsent(pkg, k -> new TreeSet<>()).add(t.group(1));
                if (!documented(text, t.start())) {
                    UNDOCUMENTED.add(pkg + "." + t.group(1));
                }
            }
        }
    }

    private static List<Path> javaFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a Javadoc comment ends right before the declaration at {@code at} (annotations between are fine). */
    private static boolean documented(String text, int at) {
        String before = text.substring(0, at).stripTrailing();
        while (before.endsWith(")") || before.matches("(?s).*@\\w+$")) {
            int annotation = before.lastIndexOf('@');
            if (annotation < 0) {
                return false;
            }
            before = before.substring(0, annotation).stripTrailing();
        }
        return before.endsWith("*/") && before.lastIndexOf("/**") > before.lastIndexOf("*/", before.length() - 3);
    }

    private static boolean isInternal(String pkg) {
        return pkg.endsWith(".internal") || pkg.contains(".internal.");
    }

    @Test
    void theSourcesWereFound() {
        assertThat(USES).containsKeys("io.polyhook.core.hook", "io.polyhook.core.hook.internal",
                "io.polyhook.core.script", "io.polyhook.core.provider");
    }

    @ParameterizedTest(name = "{0} is not API")
    @ValueSource(strings = {
            "HookRegistry", "HookDispatcher", "ClientLane", "DispatchSettings", "HandlerStats", "HookStatistics",
            "LatencyHistogram", "ScriptManager", "ScriptEngines", "LoadReport", "ScriptInfo",
            "PluginDirectory", "PluginBundle", "PluginHost", "PluginEnvironment", "PluginStartException"})
    void whatOnlyTheBrokerUsesLivesInAnInternalPackage(String type) {
        assertThat(TYPES.entrySet()).filteredOn(e -> e.getValue().contains(type))
                .singleElement().satisfies(e -> assertThat(isInternal(e.getKey())).as(e.getKey()).isTrue());
    }

    @ParameterizedTest(name = "{0} is API")
    @ValueSource(strings = {
            "ScriptEngine", "LoadedScript", "PooledScript", "StatePool", "EngineSettings", "ScriptEnvironment",
            "HookArguments", "HookResults", "HandlerSpec", "HookIndex", "ChainOutcome", "ChainShortcut", "HookInstaller",
            "DataProvider", "ProviderFactory", "ProviderContext", "PoolRegistry", "Arguments", "Values"})
    void whatEngineAndProviderAuthorsCodeAgainstIsExported(String type) {
        assertThat(TYPES.entrySet()).filteredOn(e -> e.getValue().contains(type))
                .singleElement().satisfies(e -> assertThat(isInternal(e.getKey())).as(e.getKey()).isFalse());
    }

    @Test
    void theApiPackagesNeverNameAnInternalOne() {
        USES.forEach((pkg, deps) -> {
            if (!isInternal(pkg)) {
                assertThat(deps).as(pkg).noneMatch(CorePackagesTest::isInternal);
            }
        });
    }

    @Test
    void everyPublicTypeOfTheApiIsDocumented() {
        assertThat(UNDOCUMENTED).filteredOn(t -> !isInternal(t.substring(0, t.lastIndexOf('.')))).isEmpty();
    }

    @Test
    void noPackagesUseEachOtherInACircle() {
        for (String start : USES.keySet()) {
            assertThat(reachable(start)).as("what %s reaches", start).doesNotContain(start);
        }
    }

    private static Set<String> reachable(String start) {
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(USES.getOrDefault(start, Set.of()));
        while (!todo.isEmpty()) {
            String next = todo.removeLast();
            if (seen.add(next)) {
                todo.addAll(USES.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }

    /** The engines, providers and examples of this repository, built against core-api like anyone's. */
    @Test
    void theEnginesAndProvidersUseOnlyTheApi() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> modules = new ArrayList<>(List.of(root.resolve("engine-luaj"), root.resolve("engine-graaljs")));
        for (String parent : List.of("providers", "examples")) {
            try (Stream<Path> dirs = Files.list(root.resolve(parent))) {
                dirs.filter(Files::isDirectory).forEach(modules::add);
            }
        }
        List<String> offenders = new ArrayList<>();
        for (Path module : modules) {
            Path main = module.resolve("src/main/java");
            if (Files.isDirectory(main)) {
                for (Path file : javaFiles(main)) {
                    if (INTERNAL.matcher(Files.readString(file)).find()) {
                        offenders.add(root.relativize(file).toString());
                    }
                }
            }
        }
        assertThat(modules).hasSizeGreaterThan(4);
        assertThat(offenders).isEmpty();
    }
}
