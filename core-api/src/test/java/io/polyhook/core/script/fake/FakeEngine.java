package io.polyhook.core.script.fake;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A script engine for tests, taking {@code .fake} files: one line per hook point,
 * {@code <hook> = <behaviour>}, where the behaviour is
 *
 * <table>
 *   <caption>Behaviours</caption>
 *   <tr><td>{@code ok}</td><td>accept</td></tr>
 *   <tr><td>{@code deny}, {@code deny 135}, {@code deny 135 not yours}</td><td>refuse, optionally with reason code and string</td></tr>
 *   <tr><td>{@code next}</td><td>no opinion</td></tr>
 *   <tr><td>{@code nil}</td><td>return {@code null}</td></tr>
 *   <tr><td>{@code error <message>}</td><td>throw; the message starts with {@code <file>:<line>:}</td></tr>
 *   <tr><td>{@code sleep <ms> then <behaviour>}</td><td>wait, then behave</td></tr>
 *   <tr><td>{@code modifiers k=v,...}</td><td>accept with the hook's typed modifiers (see below)</td></tr>
 *   <tr><td>{@code invalid-modifiers}</td><td>throw {@link io.polyhook.spi.InvalidModifierException}, as an engine does for {@code {topic=5}}</td></tr>
 *   <tr><td>{@code record}</td><td>add the context's client id to {@link #recorded(Path)}; then next</td></tr>
 * </table>
 *
 * <p>Modifier keys: publish {@code topic, qos, retain, payload, mountpoint}; register
 * {@code username, clean_session}, every limit and permission by its script name
 * ({@code max_message_size}); subscribe {@code topics=a/b:1;c/d:128}; unsubscribe
 * {@code topics=a;b}; deliver {@code topic, payload}; on_auth_m5 {@code reason_code, method, data}.
 * Notification hooks ignore every answer. Blank lines and lines starting with {@code #} are
 * skipped; a line {@code fail-load <message>} makes the load fail with
 * {@code <file>:<line>: <message>}. A handler of a closed script throws, so a test notices a call
 * that reached a closed version.
 */
public final class FakeEngine implements ScriptEngine {

    private static final Map<Path, List<String>> RECORDS = new ConcurrentHashMap<>();
    private static final Map<Path, AtomicInteger> OPEN = new ConcurrentHashMap<>();

    /** The engine; {@link java.util.ServiceLoader} uses this constructor. */
    public FakeEngine() {
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Set<String> extensions() {
        return Set.of("fake");
    }

    @Override
    public LoadedScript load(ScriptSource source, ScriptEnvironment environment) throws ScriptLoadException {
        return FakeScript.parse(source, environment,
                RECORDS.computeIfAbsent(source.path(), p -> new CopyOnWriteArrayList<>()),
                OPEN.computeIfAbsent(source.path(), p -> new AtomicInteger()));
    }

    /** The client ids that {@code record} behaviours of the script at {@code path} saw, in call order. */
    public static List<String> recorded(Path path) {
        List<String> log = RECORDS.get(path.toAbsolutePath().normalize());
        return log == null ? List.of() : List.copyOf(log);
    }

    /** How many loaded versions of the script at {@code path} are not closed yet. */
    public static int openVersions(Path path) {
        AtomicInteger open = OPEN.get(path.toAbsolutePath().normalize());
        return open == null ? 0 : open.get();
    }
}
