package io.polyhook.broker.cli;

import io.polyhook.broker.BoundListener;
import io.polyhook.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class BannerTest {

    @Test
    void withoutAConfigFileItSaysSoAndNamesEveryListenerTheAdminApiAndTheFolders() {
        BrokerConfig c = BrokerConfig.defaults();
        Banner b = Banner.of(Optional.empty(), c, List.of(new BoundListener("tcp", "127.0.0.1", 1883, "", ""),
                new BoundListener("ws", "127.0.0.1", 8000, "/mqtt", "")), "127.0.0.1", OptionalInt.of(8888));

        assertThat(b.lines().getFirst()).startsWith("Polyhook ").contains(" on Java ");
        assertThat(b.lines()).contains("no config file: defaults, loopback only",
                "listener tcp: mqtt://127.0.0.1:1883, anonymous clients admitted",
                "listener ws: ws://127.0.0.1:8000/mqtt, anonymous clients admitted",
                "admin API and /metrics: http://127.0.0.1:8888",
                "data folder: " + Path.of("data").toAbsolutePath().normalize());
        assertThat(b.lines()).anyMatch(l -> l.startsWith("scripts folder: /"));
        assertThat(b.warnings()).isEmpty();
    }

    @Test
    void anonymousAccessOffLoopbackAndAnAdminApiOffLoopbackAreWarnedAbout() {
        BrokerConfig c = BrokerConfig.parse("""
                broker: { allow_anonymous: true }
                listeners: [{ type: tcp, address: "0.0.0.0:1883" }, { type: tcp, address: "127.0.0.1:1884" }]
                persistence: { dir: /var/lib/polyhook }
                """);
        Banner b = Banner.of(Optional.of(Path.of("conf/polyhook.yaml")), c, List.of(
                new BoundListener("tcp", "0.0.0.0", 1883, "", ""), new BoundListener("tcp", "127.0.0.1", 1884, "", "")),
                "0.0.0.0", OptionalInt.of(8888));

        assertThat(b.lines()).anyMatch(l -> l.startsWith("config file: /") && l.endsWith("conf/polyhook.yaml"));
        assertThat(b.lines()).contains("data folder: /var/lib/polyhook");
        assertThat(b.warnings()).hasSize(2);
        assertThat(b.warnings().get(0)).startsWith("listener tcp on 0.0.0.0:1883 admits anonymous clients");
        assertThat(b.warnings().get(1)).startsWith("the admin API listens on 0.0.0.0:8888");
    }

    @Test
    void aListenerThatRefusesAnonymousClientsIsNotWarnedAbout() {
        BrokerConfig c = BrokerConfig.parse("listeners: [{ type: tcp, address: \"0.0.0.0:1883\" }]");
        Banner b = Banner.of(Optional.of(Path.of("p.yaml")), c, List.of(new BoundListener("tcp", "0.0.0.0", 1883, "", "")),
                "127.0.0.1", OptionalInt.of(8888));
        assertThat(b.warnings()).isEmpty();
    }

    /** The folder the broker opens its store in, as {@code OpenedStore} resolves it; none only with persistence off. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            persistence on by default, relative dir in the config file's folder | ''                               | store-home/data
            a relative dir                                                      | 'persistence: { dir: state }'    | store-home/state
            an absolute dir                                                     | 'persistence: { dir: /srv/ph }'  | /srv/ph
            persistence off                                                     | 'persistence: { enabled: false }'| none (sessions and retained messages are kept in memory)
            """)
    void theDataFolderIsTheOneTheStoreOpensIn(String what, String section, String expected, @TempDir Path tmp)
            throws IOException {
        Path home = Files.createDirectories(tmp.resolve("store-home"));
        Path file = Files.writeString(home.resolve("polyhook.yaml"), section + "\n");
        BrokerConfig c = BrokerConfig.load(file);

        Banner b = Banner.of(Optional.of(file), c, List.of(), "127.0.0.1", OptionalInt.empty());

        String folder = expected.startsWith("store-home") ? tmp.resolve(expected).toString() : expected;
        assertThat(b.lines()).contains("data folder: " + folder);
    }
}
