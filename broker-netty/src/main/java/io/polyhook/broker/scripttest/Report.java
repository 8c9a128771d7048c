package io.polyhook.broker.scripttest;

import io.polyhook.core.script.ScriptSource;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * The report of a test run, as people read it: per test file, per script, one line per case;
 * under a failing case where it is (file and line), what was expected and what happened, how
 * they differ, the library calls it made and the lines it logged. A summary ends it.
 *
 * <pre>
 * examples/public-broker/public_broker.test.yaml
 *   examples/public-broker/public_broker.lua (luaj)
 *     PASS  anonymous clients are admitted
 *     FAIL  a superuser with a wrong password is refused
 *           at examples/public-broker/public_broker.test.yaml:31 (auth_on_register)
 *           expected  deny
 *           actual    ok
 *           log       INFO  REGISTER SUPERUSER: ip: 127.0.0.1 user: bob client: c2
 *
 * FAILED  1 of 24 cases failed (1 test file, 2 scripts)
 * </pre>
 */
final class Report {

    private static final String DETAIL = "          ";

    private final PrintWriter out;
    private Path currentFile;

    Report(PrintWriter out) {
        this.out = out;
    }

    /** A test file that cannot be used. */
    void unusable(TestFileException e) {
        currentFile = null;
        out.println("ERROR  " + e.getMessage());
        out.flush();
    }

    /** The results of one script of a test file. */
    void script(ScriptResult result) {
        if (!result.file().file().equals(currentFile)) {
            currentFile = result.file().file();
            out.println(ScriptSource.display(currentFile));
        }
        out.println("  " + ScriptSource.display(result.script()) + " (" + result.engine() + ")");
        if (!result.loaded()) {
            out.println("    FAIL  the script did not load: " + result.load().error().orElseThrow());
            result.load().calls().forEach(c -> detail("call", c.describe()));
            result.load().log().forEach(l -> detail("log", l));
        }
        for (CaseResult c : result.cases()) {
            if (c.passed()) {
                out.println("    PASS  " + c.testCase().name());
                continue;
            }
            out.println("    FAIL  " + c.testCase().name());
            out.println(DETAIL + "at " + ScriptSource.display(result.file().file()) + ":" + c.testCase().expect().line()
                    + " (" + c.testCase().hook().name() + ")");
            detail("expected", c.testCase().expect().describe());
            detail("actual", c.actual().describe());
            if (c.actual().kind() == c.testCase().expect().kind()) {
                // Otherwise the two lines above say it all.
                c.differences().forEach(d -> detail("differs", d));
            }
            c.calls().forEach(call -> detail("call", call.describe()));
            c.log().forEach(l -> detail("log", l));
        }
        out.flush();
    }

    private void detail(String label, String text) {
        out.println(DETAIL + String.format("%-9s %s", label, text));
    }

    /** The last line: PASSED or FAILED with the counts. */
    void summary(List<ScriptResult> results, int unusableFiles) {
        long passed = results.stream().mapToLong(ScriptResult::passed).sum();
        long failed = results.stream().mapToLong(ScriptResult::failed).sum();
        long notLoaded = results.stream().filter(r -> !r.loaded()).count();
        long files = results.stream().map(r -> r.file().file()).distinct().count() + unusableFiles;
        StringBuilder s = new StringBuilder();
        if (failed == 0 && notLoaded == 0 && unusableFiles == 0) {
            s.append("PASSED  ").append(plural(passed, "case"));
        } else {
            s.append("FAILED  ");
            if (failed > 0) {
                s.append(failed).append(" of ").append(plural(passed + failed, "case")).append(" failed");
            } else {
                s.append(plural(passed, "case")).append(" passed");
            }
            if (notLoaded > 0) {
                s.append(", ").append(plural(notLoaded, "script")).append(" did not load");
            }
            if (unusableFiles > 0) {
                s.append(", ").append(plural(unusableFiles, "test file")).append(" unusable");
            }
        }
        s.append(" (").append(plural(files, "test file")).append(", ").append(plural(results.size(), "script")).append(')');
        out.println();
        out.println(s);
        out.flush();
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
