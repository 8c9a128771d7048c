package io.polyhook.core.script.internal;

import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.HandlerStats;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.spi.Hook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Loads, reloads and unloads scripts at run time and keeps their handlers in the
 * {@link HookRegistry}: each script's handlers run in load order, after every Java plugin's.
 *
 * <p>A script's identity is its path, made absolute and normalized: {@code ./a/../x.lua} and
 * {@code x.lua} are the same script. Loading a path that is loaded fails.
 *
 * <p>A {@link #reload reload} is atomic: the new version is loaded completely before its handlers
 * replace the old ones in one step, so a call is answered by the old version or by the new one,
 * never by a mix or by none. A reload that fails leaves the old version serving and throws.
 * Unlike vmq_diversity, a reload re-reads the hooks the script declares.
 *
 * <p>Thread-safe: changes are serialized; {@link #list()}, {@link #find} and {@link #stats} never
 * wait for a load in progress.
 */
public final class ScriptManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScriptManager.class);

    /** One loaded path and its serving version. */
    private static final class Slot {
        final ScriptSource source;
        final ScriptEngine engine;
        final HandlerOrigin origin;
        final AtomicReference<ScriptVersion> current = new AtomicReference<>();
        volatile ScriptInfo info;

        Slot(ScriptSource source, ScriptEngine engine) {
            this.source = source;
            this.engine = engine;
            this.origin = HandlerOrigin.script(source.path().toString());
        }
    }

    private final HookRegistry registry;
    private final ScriptEngines engines;
    private final Supplier<ScriptEnvironment> environment;
    private final Clock clock;
    private final ReentrantLock changes = new ReentrantLock();
    // Copy-on-write, in load order, so readers never take the lock.
    private volatile Map<Path, Slot> slots = Map.of();
    private Path scriptsDir; // guarded by changes

    /**
     * A manager that reads the environment anew for each load and reload, so a setting changed
     * at run time (e.g. {@code keep_state}) applies to the states created afterwards.
     */
    public ScriptManager(HookRegistry registry, ScriptEngines engines, Supplier<ScriptEnvironment> environment) {
        this(registry, engines, environment, Clock.systemUTC());
    }

    /** A manager with a fixed environment. */
    public ScriptManager(HookRegistry registry, ScriptEngines engines, ScriptEnvironment environment) {
        this(registry, engines, () -> environment, Clock.systemUTC());
        Objects.requireNonNull(environment, "environment");
    }

    ScriptManager(HookRegistry registry, ScriptEngines engines, Supplier<ScriptEnvironment> environment, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.engines = Objects.requireNonNull(engines, "engines");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.clock = clock;
    }

    /** The engines scripts are loaded with. */
    public ScriptEngines engines() {
        return engines;
    }

    /**
     * Loads the scripts of a broker start: every file directly in {@code dir} whose extension an
     * engine takes, by name (not subdirectories, not hidden files), then {@code files} in the
     * given order (a file listed twice fails the second time, as already loaded). {@code dir} also
     * becomes the scripts directory ({@code require} root) of every script loaded from now on, as
     * in vmq_diversity.
     *
     * <p>Nothing here throws for a script: a missing directory is a warning, and a script that
     * fails is logged with its file and line, listed in the report, and skipped.
     */
    public LoadReport loadAll(Path dir, List<Path> files) {
        return loadAll(dir, List.of(), files);
    }

    /**
     * Like {@link #loadAll(Path, List)}, with bundled scripts loaded between the directory's and
     * {@code files}. A bundled script brings its own scripts directory (the database
     * authentication scripts {@code require} their common module from where they were unpacked,
     * not from the user's directory); the user's {@code files} come last, so they can act on what
     * the bundled scripts pass on.
     */
    public LoadReport loadAll(Path dir, List<ScriptSource> bundled, List<Path> files) {
        Path root = dir.toAbsolutePath().normalize();
        List<ScriptInfo> loaded = new ArrayList<>();
        List<LoadReport.Failure> failed = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        changes.lock();
        try {
            scriptsDir = root;
            List<ScriptSource> candidates = new ArrayList<>();
            scriptsIn(root, warnings).forEach(p -> candidates.add(new ScriptSource(p, root)));
            candidates.addAll(bundled);
            files.forEach(f -> candidates.add(new ScriptSource(f, root)));
            for (ScriptSource source : candidates) {
                try {
                    loaded.add(load(source.path(), source.root()));
                } catch (ScriptLoadException e) {
                    LOG.error("script not loaded: {}", e.getMessage());
                    failed.add(new LoadReport.Failure(source.path(), e.getMessage()));
                }
            }
        } finally {
            changes.unlock();
        }
        LOG.info("{} script(s) loaded, {} failed", loaded.size(), failed.size());
        return new LoadReport(loaded, failed, warnings);
    }

    /**
     * Loads one script; its handlers go after those of every script loaded before.
     *
     * @param path the file, absolute or relative to the working directory
     * @return the loaded script
     * @throws ScriptLoadException if the path is already loaded, does not exist, has an extension
     *                             no engine takes, or the engine fails; nothing was registered
     */
    public ScriptInfo load(Path path) throws ScriptLoadException {
        return load(path, null);
    }

    /**
     * Loads one script whose {@code require} root is {@code root} rather than the scripts
     * directory; its handlers go after those of every script loaded before.
     *
     * @param root the script's scripts directory, or {@code null} for the broker's
     * @throws ScriptLoadException as {@link #load(Path)}
     */
    public ScriptInfo load(Path path, Path root) throws ScriptLoadException {
        Path id = path.toAbsolutePath().normalize();
        changes.lock();
        try {
            if (slots.containsKey(id)) {
                throw new ScriptLoadException(id, "is already loaded; reload or unload it instead");
            }
            if (!Files.isRegularFile(id)) {
                throw new ScriptLoadException(id, Files.exists(id) ? "is not a regular file" : "no such file");
            }
            ScriptEngine engine = engines.forPath(id).orElseThrow(() -> new ScriptLoadException(id,
                    "no script engine takes this extension (known: " + String.join(", ", engines.extensions()) + ")"));
            Path scriptRoot = root != null ? root : scriptsDir != null ? scriptsDir : id.getParent();
            Slot slot = new Slot(new ScriptSource(id, scriptRoot), engine);
            ScriptVersion version = open(slot);
            slot.current.set(version);
            slot.info = info(slot, version, 0);
            registry.replace(slot.origin, version.specs());
            Map<Path, Slot> next = new LinkedHashMap<>(slots);
            next.put(id, slot);
            slots = Collections.unmodifiableMap(next);
            LOG.info("script {} loaded by {}: {}", slot.source.displayName(), engine.name(), slot.info.hooks());
            return slot.info;
        } finally {
            changes.unlock();
        }
    }

    /**
     * Loads a loaded script again, with the hooks it declares now, and swaps its handlers in one
     * step; it keeps its place in the order. The old version is closed once its running calls
     * have returned.
     *
     * @return the script as it is now
     * @throws ScriptLoadException if the path is not loaded, or the new version fails to load; the
     *                             old version then keeps serving
     */
    public ScriptInfo reload(Path path) throws ScriptLoadException {
        Path id = path.toAbsolutePath().normalize();
        changes.lock();
        try {
            Slot slot = slots.get(id);
            if (slot == null) {
                throw new ScriptLoadException(id, "is not loaded; load it instead");
            }
            ScriptVersion fresh;
            try {
                fresh = open(slot);
            } catch (ScriptLoadException e) {
                LOG.error("script not reloaded, the previous version keeps serving: {}", e.getMessage());
                throw e;
            }
            registry.replace(slot.origin, fresh.specs());
            // Publish the new version before retiring the old: a late call to the old one is forwarded here.
            ScriptVersion old = slot.current.getAndSet(fresh);
            old.retire();
            slot.info = info(slot, fresh, slot.info.reloads() + 1);
            LOG.info("script {} reloaded: {}", slot.source.displayName(), slot.info.hooks());
            return slot.info;
        } finally {
            changes.unlock();
        }
    }

    /**
     * Removes a script's handlers and forgets its statistics; it is closed once its running calls
     * have returned.
     *
     * @throws IllegalArgumentException if the path is not loaded
     */
    public void unload(Path path) {
        Path id = path.toAbsolutePath().normalize();
        changes.lock();
        try {
            Slot slot = slots.get(id);
            if (slot == null) {
                throw new IllegalArgumentException("script " + ScriptSource.display(id) + " is not loaded");
            }
            registry.remove(slot.origin);
            registry.statistics().forget(slot.origin);
            slot.current.getAndSet(null).retire();
            Map<Path, Slot> next = new LinkedHashMap<>(slots);
            next.remove(id);
            slots = Collections.unmodifiableMap(next);
            LOG.info("script {} unloaded", slot.source.displayName());
        } finally {
            changes.unlock();
        }
    }

    /** The loaded scripts, in load order. */
    public List<ScriptInfo> list() {
        return slots.values().stream().map(s -> s.info).toList();
    }

    /** The loaded script at {@code path} (absolute or relative), if there is one. */
    public Optional<ScriptInfo> find(Path path) {
        Slot slot = slots.get(path.toAbsolutePath().normalize());
        return slot == null ? Optional.empty() : Optional.of(slot.info);
    }

    /**
     * The counters of a script on each hook point it was called for, by hook name: calls, errors,
     * timeouts, latency. They survive reloads; empty for a script that is not loaded.
     */
    public List<HandlerStats.Snapshot> stats(Path path) {
        Slot slot = slots.get(path.toAbsolutePath().normalize());
        return slot == null ? List.of() : registry.statistics().snapshot(slot.origin);
    }

    /** Unloads every script, the last loaded first. */
    @Override
    public void close() {
        changes.lock();
        try {
            List<Path> loaded = new ArrayList<>(slots.keySet());
            for (Path path : loaded.reversed()) {
                unload(path);
            }
        } finally {
            changes.unlock();
        }
    }

    private ScriptVersion open(Slot slot) throws ScriptLoadException {
        Path path = slot.source.path();
        LoadedScript loaded;
        try {
            loaded = slot.engine.load(slot.source, environment.get().forEngine(slot.engine).forScript(slot.source));
        } catch (RuntimeException | LinkageError e) {
            // An engine bug must not take the other scripts down with it.
            throw new ScriptLoadException(path, "engine " + slot.engine.name() + " failed: " + e, e);
        }
        if (loaded == null) {
            throw new ScriptLoadException(path, "engine " + slot.engine.name() + " returned no script");
        }
        try {
            return new ScriptVersion(slot.source.displayName(), loaded, slot.current);
        } catch (RuntimeException e) {
            loaded.close();
            throw new ScriptLoadException(path, e.getMessage() != null ? e.getMessage() : e.toString(), e);
        }
    }

    private ScriptInfo info(Slot slot, ScriptVersion version, int reloads) {
        return new ScriptInfo(slot.source.path(), slot.engine.name(),
                version.hooks().stream().map(Hook::name).toList(), version.script().details(), clock.instant(), reloads);
    }

    private List<Path> scriptsIn(Path dir, List<String> warnings) {
        if (!Files.isDirectory(dir)) {
            String warning = "scripts directory " + ScriptSource.display(dir)
                    + (Files.exists(dir) ? " is not a directory" : " does not exist") + "; no script loaded from it";
            LOG.warn(warning);
            warnings.add(warning);
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            // Hidden files are skipped: editors leave lock and swap files such as .#auth.lua.
            return entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> engines.forPath(p).isPresent())
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .map(p -> p.toAbsolutePath().normalize())
                    .toList();
        } catch (IOException e) {
            String warning = "scripts directory " + ScriptSource.display(dir) + " cannot be listed: " + e;
            LOG.warn(warning);
            warnings.add(warning);
            return List.of();
        }
    }
}
