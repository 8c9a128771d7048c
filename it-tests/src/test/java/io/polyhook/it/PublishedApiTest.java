package io.polyhook.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the build publishes for plugin and provider authors, read from the artifacts the reactor
 * built before this module: hook-spi's jar with a module name, its sources and javadoc jars, and
 * a BOM that pins every published module.
 */
class PublishedApiTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern ARTIFACT = Pattern.compile("<artifactId>([^<]+)</artifactId>");

    private static Path built(String module, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve(module).resolve("target"))) {
            return files.filter(p -> p.getFileName().toString().matches(Pattern.quote(module) + "-[0-9].*" + suffix))
                    .findFirst().orElseThrow(() -> new AssertionError(module + ": no *" + suffix + " in target/"));
        }
    }

    @Test
    void hookSpiShipsWithAModuleNameSourcesAndJavadoc() throws IOException {
        try (JarFile jar = new JarFile(built("hook-spi", "-SNAPSHOT.jar").toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo("io.polyhook.spi");
        }
        try (JarFile sources = new JarFile(built("hook-spi", "-sources.jar").toFile());
             JarFile javadoc = new JarFile(built("hook-spi", "-javadoc.jar").toFile())) {
            assertThat(sources.getEntry("io/polyhook/spi/Plugin.java")).isNotNull();
            // The javadoc tool lays pages out by module when it sees the Automatic-Module-Name.
            assertThat(Stream.of("io/polyhook/spi/Plugin.html", "io.polyhook.spi/io/polyhook/spi/Plugin.html")
                    .map(javadoc::getEntry)).anyMatch(java.util.Objects::nonNull);
        }
        try (JarFile core = new JarFile(built("core-api", "-SNAPSHOT.jar").toFile())) {
            assertThat(core.getManifest().getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo("io.polyhook.core");
        }
    }

    @Test
    void theBomPinsEveryPublishedModule() throws IOException {
        List<String> published = new ArrayList<>();
        for (String module : modules(ROOT)) {
            if (module.equals("providers")) {
                for (String provider : modules(ROOT.resolve("providers"))) {
                    published.add(artifactId(ROOT.resolve("providers").resolve(provider)));
                }
            } else if (!module.startsWith("examples/") && !List.of("it-tests", "benchmarks", "polyhook-bom", "distribution").contains(module)) {
                published.add(artifactId(ROOT.resolve(module)));
            }
        }
        String bom = Files.readString(ROOT.resolve("polyhook-bom/pom.xml"));

        assertThat(published).contains("hook-spi", "core-api", "engine-luaj", "provider-core", "polyhook-testing");
        assertThat(published).allSatisfy(a -> assertThat(bom).contains("<artifactId>" + a + "</artifactId>"));
        assertThat(bom).doesNotContain("<parent>");
    }

    private static List<String> modules(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = MODULE.matcher(Files.readString(dir.resolve("pom.xml")));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The module's own artifactId: the first one after its parent block. */
    private static String artifactId(Path module) throws IOException {
        String pom = Files.readString(module.resolve("pom.xml"));
        int afterParent = pom.indexOf("</parent>");
        Matcher m = ARTIFACT.matcher(pom);
        if (!m.find(Math.max(afterParent, 0))) {
            throw new AssertionError("no artifactId in " + module);
        }
        return m.group(1);
    }
}
