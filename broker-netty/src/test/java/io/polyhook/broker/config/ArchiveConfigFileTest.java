package io.polyhook.broker.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive's {@code conf/polyhook.yaml} (distribution/src/dist/conf): valid, secure as it is,
 * and listing every key the parser knows, so a new key cannot ship undocumented.
 */
class ArchiveConfigFileTest {

    static final Path FILE = Path.of("..", "distribution", "src", "dist", "conf", "polyhook.yaml");

    @Test
    void itIsValidAndSecureAsShipped() {
        BrokerConfig c = BrokerConfig.load(FILE);

        assertThat(c.broker().allowAnonymous()).isFalse();
        assertThat(c.listeners()).isNotEmpty().allSatisfy(l -> {
            assertThat(l.host()).isEqualTo("127.0.0.1");
            assertThat(l.allowAnonymous()).isEmpty();
        });
        assertThat(c.adminHost()).contains("127.0.0.1");
        assertThat(c.auth()).isEmpty();
        assertThat(c.scripts().onLoadError()).isEqualTo(OnLoadError.FAIL);
        // Paths are the install folder's, whatever the working folder.
        Path install = FILE.toAbsolutePath().normalize().getParent().getParent();
        assertThat(c.scripts().dir()).isEqualTo(install.resolve("scripts").toString());
        assertThat(c.pluginsDir()).isEqualTo(install.resolve("plugins"));
        assertThat(c.logging().config()).contains(install.resolve("conf").resolve("logback.xml").toString());
        assertThat(install.resolve("conf").resolve("logback.xml")).isRegularFile();
    }

    @Test
    void itListsEveryKeyWithItsDefault() throws Exception {
        String text = Files.readString(FILE);
        List<String> keys = new ArrayList<>();
        for (Set<String> section : List.of(ConfigParser.TOP, ConfigParser.BROKER, ConfigParser.LISTENER, ConfigParser.SCRIPTS,
                ConfigParser.ADMIN, ConfigParser.LOGGING, ConfigParser.AUTH_KEYS)) {
            keys.addAll(section);
        }
        keys.addAll(ConfigParser.AUTH_DATABASES);
        assertThat(keys).allSatisfy(key -> assertThat(Pattern.compile("(^|[\\s{,#])" + Pattern.quote(key) + ":", Pattern.MULTILINE)
                .matcher(text).find()).as("conf/polyhook.yaml lists %s", key).isTrue());
    }
}
