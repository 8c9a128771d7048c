package io.polyhook.broker.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test files shipped beside the bundled database authentication scripts, the default script
 * and the examples pass under {@code polyhook script test}, as a user runs them, and the example
 * of docs/scripting.md is the file it names.
 */
class ShippedScriptTestsTest {

    // Maven runs the tests in the module's folder.
    private static final Path AUTH = Path.of("src/main/resources/auth");
    private static final Path PUBLIC_BROKER = Path.of("../examples/public-broker");
    private static final Path TESTING = Path.of("../examples/testing");
    private static final Path DEFAULT_SCRIPTS = Path.of("../scripts");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int scriptTest(String... paths) {
        CommandLine cl = new CommandLine(new PolyhookCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] args = new String[paths.length + 2];
        args[0] = "script";
        args[1] = "test";
        System.arraycopy(paths, 0, args, 2, paths.length);
        return cl.execute(args);
    }

    @Test
    void everyBundledAuthScriptHasATestFile() throws IOException {
        try (Stream<Path> files = Files.list(AUTH)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".lua") && !n.equals("auth_commons.lua"))
                    .forEach(n -> assertThat(AUTH.resolve(n.replace(".lua", ".test.yaml"))).as("test file of " + n).isRegularFile());
        }
    }

    @Test
    void theBundledAuthScriptsPassTheirTests() {
        int exit = scriptTest(AUTH.toString());

        assertThat(exit).as(out.toString() + err).isZero();
        String report = out.toString();
        for (String db : new String[] {"postgres", "cockroachdb", "mysql", "mysql2", "mongodb", "redis"}) {
            assertThat(report).contains(db + ".test.yaml", db + ".lua (luaj)");
        }
        assertThat(report).doesNotContain("FAIL").contains("PASSED", "(6 test files, 6 scripts)");
    }

    @Test
    void thePublicBrokerExamplePassesItsTestsInBothLanguages() {
        int exit = scriptTest(PUBLIC_BROKER.toString());

        assertThat(exit).as(out.toString() + err).isZero();
        assertThat(out.toString()).contains("public_broker.lua (luaj)", "public_broker.js (graaljs)")
                .doesNotContain("FAIL").contains("PASSED", "(1 test file, 2 scripts)");
    }

    @Test
    void theTestingExampleAndTheDefaultScriptPassTheirTests() {
        int exit = scriptTest(TESTING.toString(), DEFAULT_SCRIPTS.toString());

        assertThat(exit).as(out.toString() + err).isZero();
        assertThat(out.toString()).contains("devices.lua (luaj)", "devices.js (graaljs)", "log_connections.lua (luaj)")
                .doesNotContain("FAIL").contains("PASSED", "(2 test files, 3 scripts)");
    }

    @Test
    void theTestFileInTheScriptingGuideIsTheExamplesFile() throws IOException {
        String guide = Files.readString(Path.of("../docs/scripting.md"));
        String intro = "Its test file, `examples/testing/devices.test.yaml`:\n\n```yaml\n";
        int start = guide.indexOf(intro);
        assertThat(start).as("the guide shows the test file").isPositive();
        String shown = guide.substring(start + intro.length(), guide.indexOf("```\n", start + intro.length()));

        assertThat(shown).isEqualTo(Files.readString(TESTING.resolve("devices.test.yaml")));
    }
}
