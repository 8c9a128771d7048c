package io.polyhook.dist;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/polyhook's decisions, with POLYHOOK_DRY_RUN=1 (it says what it would build and run): in a
 * source checkout it rebuilds when a source is newer than the jar, and says which Java it took;
 * in an installed archive it runs lib/ with conf/polyhook.yaml.
 */
class LauncherTest {

    static final Path LAUNCHER = Path.of("..", "bin", "polyhook").toAbsolutePath().normalize();
    static final Path JVM_OPTIONS = Path.of("..", "bin", "jvm-options").toAbsolutePath().normalize();

    @TempDir
    Path checkout;
    Path jar;

    @BeforeEach
    void aCheckoutWithABuiltJar() throws IOException {
        launchers(checkout);
        Files.writeString(checkout.resolve("pom.xml"), "<project/>");
        Files.createDirectories(checkout.resolve("core-api/src/main/java"));
        Files.writeString(checkout.resolve("core-api/src/main/java/A.java"), "class A {}");
        jar = Files.createDirectories(checkout.resolve("broker-netty/target")).resolve("polyhook.jar");
        Files.writeString(jar, "jar");
        graal(checkout.resolve("engine-graaljs/target/graal"));
        Instant old = Instant.now().minusSeconds(3600);
        for (Path p : new Path[] {checkout.resolve("pom.xml"), checkout.resolve("core-api/src/main/java/A.java")}) {
            Files.setLastModifiedTime(p, FileTime.from(old));
        }
        // Built half an hour ago: a source written by a test is newer even where file times are coarse.
        Files.setLastModifiedTime(jar, FileTime.from(old.plusSeconds(1800)));
    }

    private static void launchers(Path home) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        for (Path script : new Path[] {LAUNCHER, JVM_OPTIONS}) {
            Path copy = home.resolve("bin").resolve(script.getFileName());
            Files.copy(script, copy);
            copy.toFile().setExecutable(true);
        }
    }

    /** What engine-graaljs's build (or the archive's lib/graal/) holds for the optimizing runtime. */
    private static void graal(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("modules"));
        Files.writeString(dir.resolve("modules/polyglot.jar"), "jar");
        Files.createDirectories(dir.resolve("upgrade"));
        Files.writeString(dir.resolve("upgrade/compiler.jar"), "jar");
    }

    private String launch(Path home, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = home.resolve("bin/polyhook").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).directory(checkout.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("POLYHOOK_DRY_RUN", "1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void anUpToDateJarRunsAsItIsAndTheChosenJavaIsNamed() throws Exception {
        String out = launch(checkout, "run");
        assertThat(out).contains("polyhook: Java " + Runtime.version().feature() + " at " + System.getProperty("java.home")
                + " (JAVA_HOME)").doesNotContain("building");
        assertThat(out).contains("-jar " + jar + " run");
    }

    @Test
    void aSourceNewerThanTheJarRebuildsItFirst() throws Exception {
        Files.writeString(checkout.resolve("core-api/src/main/java/A.java"), "class A { int changed; }");
        String out = launch(checkout, "run");
        assertThat(out).contains("polyhook: core-api/src/main/java/A.java changed since " + jar + " was built: building it");
    }

    @Test
    void aMissingJarIsBuilt() throws Exception {
        Files.delete(jar);
        assertThat(launch(checkout, "script", "list")).contains(jar + " is missing: building it");
    }

    @Test
    void aMissingGraalRuntimeIsBuilt() throws Exception {
        Files.delete(checkout.resolve("engine-graaljs/target/graal/upgrade/compiler.jar"));
        assertThat(launch(checkout, "run")).contains("engine-graaljs/target/graal (GraalJS's optimizing runtime) is missing: building it");
    }

    @Test
    void whatTheBuildWritesToTargetDoesNotCount() throws Exception {
        Path generated = Files.createDirectories(checkout.resolve("core-api/target/src/main/x")).resolve("G.java");
        Files.writeString(generated, "class G {}");
        assertThat(launch(checkout, "run")).doesNotContain("building");
    }

    @Test
    void anInstalledArchiveRunsLibWithItsConfigUnlessOneIsGiven(@TempDir Path install) throws Exception {
        launchers(install);
        Files.createDirectories(install.resolve("lib"));
        Files.writeString(install.resolve("lib/broker-netty.jar"), "jar");

        assertThat(launch(install, "run")).contains("-cp " + install + "/lib/*:" + install
                + "/lib/graal/modules/* io.polyhook.broker.cli.PolyhookCommand run --config " + install + "/conf/polyhook.yaml");
        assertThat(launch(install, "run", "--config", "other.yaml")).contains("PolyhookCommand run --config other.yaml")
                .doesNotContain("conf/polyhook.yaml");
        assertThat(launch(install, "script", "list")).contains("PolyhookCommand script list").doesNotContain("--config");
    }

    @Test
    void anInstalledArchiveTakesTheGraalRuntimeFromLibGraal(@TempDir Path install) throws Exception {
        launchers(install);
        Files.createDirectories(install.resolve("lib"));
        Files.writeString(install.resolve("lib/broker-netty.jar"), "jar");
        graal(install.resolve("lib/graal"));

        String out = launch(install, "run");
        if (Runtime.version().feature() == 25) { // the compiler jar speaks JDK 25's JVMCI only (bin/jvm-options)
            assertThat(out).contains("--upgrade-module-path=" + install + "/lib/graal/upgrade/compiler.jar",
                    "--module-path=" + install + "/lib/graal/modules");
        } else {
            assertThat(out).contains("-Dpolyhook.graaljs.interpreter=the Graal compiler of this build needs JDK 25");
        }
        assertThat(out).doesNotContain("engine-graaljs");
    }
}
