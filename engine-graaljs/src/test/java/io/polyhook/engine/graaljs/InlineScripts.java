package io.polyhook.engine.graaljs;

import io.polyhook.core.script.scenarios.Probe;
import io.polyhook.core.hook.HandlerSpec;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.Verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes JavaScript scripts given as text into a scripts directory and loads them with the engine. */
final class InlineScripts implements AutoCloseable {

    final Path root;
    final Probe probe = new Probe();
    private final List<LoadedScript> loaded = new ArrayList<>();
    private Map<String, Object> settings = Map.of();
    private int defaultStates = 4;
    private Duration stateWait = Duration.ofSeconds(5);
    private final List<DataProvider> extra = new ArrayList<>();

    InlineScripts(Path root) {
        this.root = root;
    }

    InlineScripts settings(Map<String, Object> value) {
        settings = value;
        return this;
    }

    InlineScripts defaultStates(int value) {
        defaultStates = value;
        return this;
    }

    /** Adds a provider next to {@code probe}. */
    InlineScripts provider(DataProvider provider) {
        extra.add(provider);
        return this;
    }

    InlineScripts stateWait(Duration value) {
        stateWait = value;
        return this;
    }

    /** Writes {@code text} to {@code name} below the root (creating directories). */
    Path write(String name, String text) {
        try {
            Path file = root.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes and loads {@code test.js}. */
    LoadedScript load(String text) throws ScriptLoadException {
        return load("test.js", text);
    }

    LoadedScript load(String name, String text) throws ScriptLoadException {
        Path file = write(name, text);
        ScriptEnvironment env = new ScriptEnvironment(providers(), defaultStates, stateWait,
                settings);
        LoadedScript script = new GraalJsEngine().load(new ScriptSource(file, root), env);
        loaded.add(script);
        return script;
    }

    private List<DataProvider> providers() {
        List<DataProvider> all = new ArrayList<>(extra);
        all.add(0, probe.provider());
        return all;
    }

    @SuppressWarnings("unchecked")
    static <C extends HookContext, M extends Modifiers> ChainHandler<C, M> handler(LoadedScript script,
                                                                                ChainHook<C, M> hook) {
        for (HandlerSpec spec : script.handlers()) {
            if (spec.hook() == hook) {
                return (ChainHandler<C, M>) spec.handler();
            }
        }
        throw new AssertionError("script declares no " + hook.name());
    }

    static <C extends HookContext, M extends Modifiers> Verdict<M> call(LoadedScript script, ChainHook<C, M> hook,
                                                                      C context) throws Exception {
        return handler(script, hook).handle(context);
    }

    @Override
    public void close() {
        loaded.forEach(LoadedScript::close);
    }
}
