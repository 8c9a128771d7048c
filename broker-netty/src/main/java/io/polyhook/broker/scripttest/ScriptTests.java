package io.polyhook.broker.scripttest;

import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.core.script.internal.ScriptEngines;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs script tests without a broker ({@code polyhook script test}): finds the test files the
 * paths mean ({@link TestDiscovery}), reads each ({@link TestFileReader}), runs its cases
 * against each of its scripts ({@link ScriptSession}) and prints the report ({@link Report}).
 *
 * <p>Exit codes: {@link #PASSED} when every case passed; {@link #FAILED} when a case failed or a
 * script did not load; {@link #UNUSABLE} when there was nothing to run (a path that does not
 * exist, no test file) or a test file could not be used (invalid YAML, an unknown key, hook or
 * argument) — the other files still run, and the report says which file and line.
 */
public final class ScriptTests {

    /** Every case passed. */
    public static final int PASSED = 0;
    /** A case failed, or a script did not load. */
    public static final int FAILED = 1;
    /** Nothing to run, or a test file could not be used. */
    public static final int UNUSABLE = 2;

    private ScriptTests() {
    }

    /**
     * Runs the tests {@code paths} mean.
     *
     * @param paths  test files, scripts or folders
     * @param config what scripts get from a broker's config: provider defaults (where real
     *               databases are), {@code scripts.*} (sandbox, states, deadlines), {@code auth.*}
     * @param loader where engines and libraries are found
     * @param out    where the report goes
     * @param err    where a problem with the paths goes
     * @return the exit code
     */
    public static int run(List<Path> paths, BrokerConfig config, ClassLoader loader, PrintWriter out, PrintWriter err) {
        ScriptEngines engines = ScriptEngines.discover(loader);
        List<TestDiscovery.Selection> selections;
        try {
            selections = TestDiscovery.find(paths, engines);
        } catch (TestDiscovery.NothingToRun e) {
            err.println("polyhook: " + e.getMessage());
            err.flush();
            return UNUSABLE;
        }
        Report report = new Report(out);
        List<ScriptResult> results = new ArrayList<>();
        int unusable = 0;
        try (LogCapture logs = LogCapture.start()) {
            for (TestDiscovery.Selection selection : selections) {
                TestFile file;
                List<Path> scripts;
                try {
                    file = TestFileReader.read(selection.testFile(), engines);
                    scripts = scripts(file, selection.onlyScript());
                } catch (TestFileException e) {
                    report.unusable(e);
                    unusable++;
                    continue;
                }
                for (Path script : scripts) {
                    ScriptResult result = run(file, script, engines.forPath(script).orElseThrow(), config, loader, logs);
                    report.script(result);
                    results.add(result);
                }
            }
        }
        report.summary(results, unusable);
        if (unusable > 0) {
            return UNUSABLE;
        }
        return results.stream().allMatch(r -> r.loaded() && r.failed() == 0) ? PASSED : FAILED;
    }

    private static List<Path> scripts(TestFile file, Optional<Path> only) throws TestFileException {
        if (only.isEmpty()) {
            return file.scripts();
        }
        Path script = only.get().toAbsolutePath().normalize();
        if (!file.scripts().contains(script)) {
            throw new TestFileException(file.file(), 0, "does not test " + ScriptSource.display(script) + " (it tests "
                    + String.join(", ", file.scripts().stream().map(ScriptSource::display).toList()) + ")");
        }
        return List.of(script);
    }

    private static ScriptResult run(TestFile file, Path script, ScriptEngine engine, BrokerConfig config, ClassLoader loader,
                                    LogCapture logs) {
        ScriptSession session;
        try {
            session = new ScriptSession(file, script, engine, config, loader, logs);
        } catch (RuntimeException e) {
            return new ScriptResult(file, script, engine.name(), new ScriptSession.Load(
                    Optional.of("the libraries did not start: " + e.getMessage()), List.of(), logs.drain()), List.of());
        }
        try (session) {
            ScriptSession.Load load = session.load();
            if (load.error().isPresent()) {
                return new ScriptResult(file, script, engine.name(), load, List.of());
            }
            List<CaseResult> cases = new ArrayList<>();
            for (TestCase testCase : file.cases()) {
                cases.add(session.run(testCase));
            }
            return new ScriptResult(file, script, engine.name(), load, cases);
        }
    }
}
