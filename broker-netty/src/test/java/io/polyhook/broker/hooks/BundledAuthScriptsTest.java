package io.polyhook.broker.hooks;

import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.core.script.ScriptSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class BundledAuthScriptsTest {

    private static final BrokerConfig REDIS_AND_POSTGRES = BrokerConfig.parse("""
            auth: { postgres: { enabled: true }, redis: { enabled: true } }
            """);

    @Test
    void theScriptsAreReadWhereTheBrokerHasThemAndNothingIsUnpacked() throws IOException {
        List<String> before = tempFolders();

        List<ScriptSource> sources = BundledAuthScripts.enabled(REDIS_AND_POSTGRES);

        assertThat(sources).extracting(s -> s.path().getFileName().toString()).containsExactly("postgres.lua", "redis.lua");
        assertThat(sources).allSatisfy(s -> {
            assertThat(Files.isRegularFile(s.path())).isTrue();
            assertThat(s.root()).isEqualTo(BundledAuthScripts.root());
            assertThat(Files.isRegularFile(s.root().resolve("auth").resolve("auth_commons.lua"))).isTrue();
            assertThat(BundledAuthScripts.isBundled(s.path())).isTrue();
            // Where the class path has them (here target/classes), not a copy in a folder of their own.
            assertThat(s.path()).startsWith(classesLocation());
        });
        assertThat(tempFolders()).isEqualTo(before);
    }

    @Test
    void twoStartsGiveTheSameScriptPaths() {
        assertThat(BundledAuthScripts.enabled(REDIS_AND_POSTGRES)).extracting(ScriptSource::path)
                .isEqualTo(BundledAuthScripts.enabled(REDIS_AND_POSTGRES).stream().map(ScriptSource::path).toList());
    }

    @Test
    void aScriptOfTheUsersIsNotBundled() {
        assertThat(BundledAuthScripts.isBundled(Path.of("scripts", "auth", "postgres.lua"))).isFalse();
    }

    private static Path classesLocation() {
        try {
            return Path.of(BundledAuthScripts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> tempFolders() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("polyhook-auth")).sorted().toList();
        }
    }
}
