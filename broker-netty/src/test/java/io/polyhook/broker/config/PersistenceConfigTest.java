package io.polyhook.broker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.polyhook.broker.config.PersistenceSettings;
import io.polyhook.broker.config.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code persistence} section as issue 16 writes it. */
class PersistenceConfigTest {

    private static PersistenceSettings parse(String yaml) throws Exception {
        JsonNode root = new YAMLMapper().readTree(yaml);
        return PersistenceConfig.parse(root == null ? null : root.get(PersistenceConfig.SECTION));
    }

    @Test
    void theIssuesExampleIsTheDefault() throws Exception {
        PersistenceSettings s = parse("""
                persistence:
                  enabled: true            # default true; false keeps today's in-memory behaviour
                  dir: data                # relative to the config file's folder
                  sync: batch
                  sync_interval: 10ms
                """);
        assertThat(s).isEqualTo(PersistenceSettings.DEFAULT);
        assertThat(parse("broker: {}")).isEqualTo(PersistenceSettings.DEFAULT);
        assertThat(parse("persistence:")).isEqualTo(PersistenceSettings.DEFAULT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{enabled: false}                       | false | data      | BATCH  | 10",
            "{dir: /var/lib/polyhook, sync: always} | true  | /var/lib/polyhook | ALWAYS | 10",
            "{sync: none, sync_interval: 1s}        | true  | data      | NONE   | 1000",
            "{sync_interval: 250ms}                 | true  | data      | BATCH  | 250",
    })
    void eachKeyIsRead(String section, boolean enabled, String dir, SyncMode sync, long intervalMillis) throws Exception {
        assertThat(parse("persistence: " + section))
                .isEqualTo(new PersistenceSettings(enabled, Path.of(dir), sync, Duration.ofMillis(intervalMillis)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{sync: fast}            | persistence.sync: unknown value \"fast\" (expected batch, always, none)",
            "{sync_interval: 0ms}    | persistence.sync_interval: must be positive",
            "{sync_interval: 10}     | persistence.sync_interval: must be a duration",
            "{sync_interval: 2m}     | persistence.sync_interval: must be at most 1m",
            "{enabled: yes please}   | persistence.enabled: must be true or false",
            "{dir: ''}               | persistence.dir: must be a folder name",
            "{directory: data}       | persistence.directory: unknown key",
            "[data]                  | persistence: must be a map",
    })
    void badValuesNameTheKey(String section, String message) {
        assertThatThrownBy(() -> parse("persistence: " + section))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
    }

    @Test
    void theFolderIsRelativeToTheConfigFolder() {
        assertThat(PersistenceSettings.DEFAULT.folder(Path.of("/etc/polyhook"))).isEqualTo(Path.of("/etc/polyhook/data"));
        assertThat(PersistenceSettings.DEFAULT.withDir(Path.of("/srv/state")).folder(Path.of("/etc/polyhook")))
                .isEqualTo(Path.of("/srv/state"));
    }

    @Test
    void theConfigFileCarriesTheSectionWithItsFolderResolvedAgainstTheFilesFolder(@TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("polyhook.yaml"), """
                persistence: { dir: state, sync: always, sync_interval: 5ms }
                """);
        assertThat(BrokerConfig.load(file).persistence())
                .isEqualTo(new PersistenceSettings(true, dir.toAbsolutePath().resolve("state"), SyncMode.ALWAYS,
                        Duration.ofMillis(5)));
        assertThat(BrokerConfig.parse("persistence: { dir: state }").persistence().dir())
                .as("without a file: the working folder, when the store opens").isEqualTo(Path.of("state"));
        assertThat(BrokerConfig.parse("broker: {}").persistence()).as("on by default").isEqualTo(PersistenceSettings.DEFAULT);
        assertThat(BrokerConfig.defaults().persistence()).isEqualTo(PersistenceSettings.DEFAULT);
        assertThatThrownBy(() -> BrokerConfig.parse("persistence: { sync: sometimes }"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("persistence.sync: unknown value");
    }
}
