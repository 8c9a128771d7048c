package io.polyhook.core.script.scenarios;

import io.polyhook.core.hook.HandlerSpec;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes scripts given as text into a fresh scripts directory and loads them straight with an
 * engine, outside the script manager, to look at their handlers. A JUnit extension: register it
 * on a field ({@code @RegisterExtension final InlineScripts scripts = new InlineScripts(engine)});
 * each test gets its own directory, and its scripts are closed and the directory deleted after it.
 */
public final class InlineScripts implements BeforeEachCallback, AfterEachCallback {

    private final ScriptEngine engine;
    private final String extension;
    private final Probe probe = new Probe();
    private final List<LoadedScript> loaded = new ArrayList<>();
    private final List<DataProvider> extra = new ArrayList<>();
    private Path root;
    private Map<String, Object> settings = Map.of();
    private int defaultStates = 4;
    private Duration stateWait = Duration.ofSeconds(5);

    /** Scripts for {@code engine}, in files with its (first) extension. */
    public InlineScripts(ScriptEngine engine) {
        this.engine = engine;
        this.extension = engine.extensions().stream().sorted().findFirst().orElseThrow();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        root = Files.createTempDirectory("scripts");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        loaded.forEach(LoadedScript::close);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The scripts directory. */
    public Path root() {
        return root;
    }

    /** The file extension of its scripts, without the dot. */
    public String extension() {
        return extension;
    }

    /** The {@code probe} provider every script gets. */
    public Probe probe() {
        return probe;
    }

    /** Engine settings for the next loads. */
    public InlineScripts settings(Map<String, Object> value) {
        settings = value;
        return this;
    }

    /** The number of states of a script that does not choose one, for the next loads. */
    public InlineScripts defaultStates(int value) {
        defaultStates = value;
        return this;
    }

    /** How long a call waits for a free state, for the next loads. */
    public InlineScripts stateWait(Duration value) {
        stateWait = value;
        return this;
    }

    /** Adds a provider next to {@code probe}, for the next loads. */
    public InlineScripts provider(DataProvider provider) {
        extra.add(provider);
        return this;
    }

    /** Writes {@code text} to {@code name} below the root (creating directories). */
    public Path write(String name, String text) {
        try {
            Path file = root.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes and loads {@code test.<extension>}. */
    public LoadedScript load(String text) throws ScriptLoadException {
        return load("test." + extension, text);
    }

    /** Writes and loads {@code name}; the script is closed after the test. */
    public LoadedScript load(String name, String text) throws ScriptLoadException {
        Path file = write(name, text);
        List<DataProvider> providers = new ArrayList<>(extra);
        providers.add(0, probe.provider());
        ScriptEnvironment env = new ScriptEnvironment(providers, defaultStates, stateWait, settings);
        LoadedScript script = engine.load(new ScriptSource(file, root), env);
        loaded.add(script);
        return script;
    }

    /** The text of a classpath resource, such as a scenario script. */
    public static String resource(String path) {
        try (InputStream in = InlineScripts.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The handler of {@code hook} in {@code script}; an assertion error if it declares none. */
    @SuppressWarnings("unchecked")
    public static <C extends HookContext, M extends Modifiers> ChainHandler<C, M> handler(LoadedScript script,
                                                                                       ChainHook<C, M> hook) {
        for (HandlerSpec spec : script.handlers()) {
            if (spec.hook() == hook) {
                return (ChainHandler<C, M>) spec.handler();
            }
        }
        throw new AssertionError("script declares no " + hook.name());
    }

    /** The publish topic modifier of an ok verdict: how a test reads a value out of a call. */
    public static String answer(Verdict<PublishModifiers> verdict) {
        return ((Verdict.Ok<PublishModifiers>) verdict).modifiers().orElseThrow().topic().orElseThrow();
    }

    /** Calls the handler of {@code hook} in {@code script}. */
    public static <C extends HookContext, M extends Modifiers> Verdict<M> call(LoadedScript script,
                                                                             ChainHook<C, M> hook,
                                                                             C context) throws Exception {
        return handler(script, hook).handle(context);
    }
}
