package io.polyhook.broker.scripttest;

import io.polyhook.core.script.internal.ScriptEngines;
import io.polyhook.core.script.model.HookContexts;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a test file ({@code auth.test.yaml}) and checks all of it before anything runs: every
 * key, hook name, argument, fixture and expectation. Its format:
 *
 * <pre>{@code
 * script: auth.lua          # optional: the script(s) to test; default every auth.<ext> beside this file
 * scripts_dir: .            # optional: where require looks; default this file's folder
 * fixtures: [...]           # optional: library answers for every case (see Fixture)
 * cases:
 *   - name: alice may connect
 *     hook: auth_on_register
 *     args: {client_id: car-1, username: alice, password: secret}
 *     fixtures: [...]       # optional: for this case only, tried first
 *     expect: ok            # see Expectation
 * }</pre>
 *
 * Arguments that a case leaves out take the values of {@link #DEFAULT_ARGUMENTS} where the hook
 * has them; {@code username}, {@code password} and {@code properties} stay absent, and
 * {@code topic} / {@code topics} must be given.
 */
final class TestFileReader {

    /** The endings of a test file's name. */
    static final List<String> SUFFIXES = List.of(".test.yaml", ".test.yml");

    /** The arguments a case does not have to give. */
    static final Map<String, Object> DEFAULT_ARGUMENTS = defaults();

    private static final Set<String> TOP_KEYS = Set.of("script", "scripts_dir", "fixtures", "cases");
    private static final Set<String> CASE_KEYS = Set.of("name", "hook", "args", "fixtures", "expect");

    private TestFileReader() {
    }

    private static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("addr", "127.0.0.1");
        d.put("port", 50000L);
        d.put("mountpoint", "");
        d.put("client_id", "test-client");
        d.put("clean_session", true);
        d.put("clean_start", true);
        d.put("listener_addr", "127.0.0.1");
        d.put("listener_port", 1883L);
        d.put("listener_type", "mqtt");
        d.put("qos", 0L);
        d.put("payload", "");
        d.put("retain", false);
        return Collections.unmodifiableMap(d);
    }

    /** Whether {@code path} is named like a test file. */
    static boolean isTestFile(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        return SUFFIXES.stream().anyMatch(s -> name.endsWith(s) && name.length() > s.length());
    }

    /** {@code auth} for {@code auth.test.yaml}. */
    static String baseName(Path testFile) {
        String name = testFile.getFileName().toString();
        for (String suffix : SUFFIXES) {
            if (name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        throw new IllegalArgumentException(testFile + " is not a test file");
    }

    /**
     * Reads and checks {@code file}.
     *
     * @param engines the engines, which say what a script file is
     * @throws TestFileException naming the line of the first problem
     */
    static TestFile read(Path file, ScriptEngines engines) throws TestFileException {
        Path path = file.toAbsolutePath().normalize();
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new TestFileException(path, 0, "is not valid UTF-8");
        } catch (IOException e) {
            throw new TestFileException(path, 0, "cannot be read: " + e);
        }
        LocatedYaml yaml = LocatedYaml.parse(path, text);
        if (!(yaml.root() instanceof Map<?, ?> raw)) {
            throw new TestFileException(path, yaml.line(yaml.root()), "a test file is a map with cases (and optionally script,"
                    + " scripts_dir, fixtures), was " + (yaml.root() == null ? "empty" : ModelText.of(yaml.root())));
        }
        Map<String, Object> top = map(raw);
        for (String key : top.keySet()) {
            if (!TOP_KEYS.contains(key)) {
                throw yaml.error(top, key, key + " is not a test file key (script, scripts_dir, fixtures, cases)");
            }
        }
        Path dir = path.getParent();
        List<Path> scripts = scripts(yaml, top, path, engines);
        Path scriptsDir = dir;
        if (top.containsKey("scripts_dir")) {
            if (!(top.get("scripts_dir") instanceof String s)) {
                throw yaml.error(top, "scripts_dir", "scripts_dir must be a folder, was " + ModelText.of(top.get("scripts_dir")));
            }
            scriptsDir = dir.resolve(s).normalize();
            if (!Files.isDirectory(scriptsDir)) {
                throw yaml.error(top, "scripts_dir", "scripts_dir " + s + " is not a folder (" + scriptsDir + ")");
            }
        }
        List<Fixture> fixtures = fixtures(yaml, top, "fixtures");
        if (!(top.get("cases") instanceof List<?> list) || list.isEmpty()) {
            throw yaml.error(top, "cases", "a test file needs cases: a list of maps with name, hook, args and expect");
        }
        List<TestCase> cases = new ArrayList<>();
        for (Object c : list) {
            cases.add(testCase(yaml, c));
        }
        return new TestFile(path, scripts, scriptsDir, fixtures, cases);
    }

    private static List<Path> scripts(LocatedYaml yaml, Map<String, Object> top, Path file, ScriptEngines engines)
            throws TestFileException {
        Path dir = file.getParent();
        List<Path> scripts = new ArrayList<>();
        Object named = top.get("script");
        if (named == null) {
            String base = baseName(file);
            for (String ext : engines.extensions()) {
                Path candidate = dir.resolve(base + "." + ext);
                if (Files.isRegularFile(candidate)) {
                    scripts.add(candidate);
                }
            }
            if (scripts.isEmpty()) {
                throw new TestFileException(file, 0, "no script to test: put " + base + "." + String.join(" or " + base + ".",
                        engines.extensions()) + " beside it, or name it with script:");
            }
            return scripts;
        }
        List<?> names = named instanceof List<?> l ? l : List.of(named);
        if (names.isEmpty()) {
            throw yaml.error(top, "script", "script must name a script file or a list of them");
        }
        for (Object name : names) {
            if (!(name instanceof String s)) {
                throw yaml.error(top, "script", "script must name a script file or a list of them, was " + ModelText.of(name));
            }
            Path script = dir.resolve(s).normalize();
            if (!Files.isRegularFile(script)) {
                throw yaml.error(top, "script", "script " + s + " does not exist (" + script + ")");
            }
            if (engines.forPath(script).isEmpty()) {
                throw yaml.error(top, "script", "no script engine takes " + s + " (known: ." + String.join(", .",
                        engines.extensions()) + ")");
            }
            scripts.add(script);
        }
        return scripts;
    }

    private static List<Fixture> fixtures(LocatedYaml yaml, Map<String, Object> m, String key) throws TestFileException {
        Object value = m.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw yaml.error(m, key, key + " must be a list of fixtures, was " + ModelText.of(value));
        }
        List<Fixture> out = new ArrayList<>();
        for (Object f : list) {
            out.add(Fixture.read(yaml, f));
        }
        return out;
    }

    private static TestCase testCase(LocatedYaml yaml, Object value) throws TestFileException {
        if (!(value instanceof Map<?, ?> raw)) {
            throw yaml.error(value, "a case must be a map with name, hook, args and expect, was " + ModelText.of(value));
        }
        Map<String, Object> c = map(raw);
        for (String key : c.keySet()) {
            if (!CASE_KEYS.contains(key)) {
                throw yaml.error(c, key, key + " is not a case key (name, hook, args, fixtures, expect)");
            }
        }
        if (!(c.get("name") instanceof String name) || name.isBlank()) {
            throw yaml.error(c, "name", "a case needs a name: what it checks");
        }
        if (!(c.get("hook") instanceof String hookName)) {
            throw yaml.error(c, "hook", "case \"" + name + "\" needs hook: the hook to call, e.g. auth_on_register");
        }
        Hook<?> hook = Hooks.byName(hookName).orElseThrow(() -> yaml.error(c, "hook", hookName + " is not a hook (hooks: "
                + String.join(", ", Hooks.all().stream().map(Hook::name).toList()) + ")"));
        Object args = c.get("args");
        if (args != null && !(args instanceof Map<?, ?>)) {
            throw yaml.error(c, "args", "args must be the hook's argument table, a map, was " + ModelText.of(args));
        }
        HookContext context;
        try {
            context = HookContexts.of(hook, withDefaults(hook, args == null ? Map.of() : map((Map<?, ?>) args)));
        } catch (IllegalArgumentException e) {
            throw yaml.error(c, args == null ? "hook" : "args", "args: " + e.getMessage());
        }
        return new TestCase(name, yaml.line(c), hook, context, fixtures(yaml, c, "fixtures"), Expectation.read(yaml, c, hook));
    }

    private static Map<String, Object> withDefaults(Hook<?> hook, Map<String, Object> args) {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String key : HookContexts.keys(hook)) {
            if (DEFAULT_ARGUMENTS.containsKey(key)) {
                all.put(key, DEFAULT_ARGUMENTS.get(key));
            }
        }
        all.putAll(args);
        return all;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<?, ?> raw) {
        return (Map<String, Object>) raw;
    }
}
