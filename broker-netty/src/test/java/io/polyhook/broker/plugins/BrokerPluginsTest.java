package io.polyhook.broker.plugins;

import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ConfigException;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.core.plugin.internal.PluginStartException;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up rules of the broker's Java plugins. */
class BrokerPluginsTest {

    @TempDir
    Path dir;

    static final class Acl implements Plugin {
        @Override
        public void start(PluginContext context) {
        }
    }

    private BrokerConfig config(Map<String, Object> plugins) {
        return BrokerConfig.defaults().withPersistence(io.polyhook.broker.config.PersistenceSettings.DISABLED)
                .withListeners(List.of(ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0)))
                .withScripts(new ScriptsConfig(dir.toString(), List.of(), 1, Duration.ofSeconds(5)))
                .withPlugins(plugins);
    }

    @Test
    void aSectionForAPluginThatIsNotInstalledStopsTheStartNamingIt() {
        BrokerConfig c = config(Map.of("dir", dir.resolve("plugins").toString(), "Acl", Map.of(), "Acls", Map.of("x", 1L)));

        assertThatThrownBy(() -> PolyhookBroker.builder().config(c).discoverPlugins(false).plugin(new Acl()).start())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("plugins.Acls: no plugin named Acls is installed (installed: Acl;")
                .hasMessageContaining(dir.resolve("plugins").toString());
    }

    @Test
    void aSectionForAnInstalledPluginIsFine() {
        try (PolyhookBroker broker = PolyhookBroker.builder().config(config(Map.of("Acl", Map.of("x", 1L))))
                .discoverPlugins(false).plugin(new Acl()).start()) {
            assertThat(broker.plugins()).extracting(i -> i.name()).containsExactly("Acl");
        }
    }

    @Test
    void aPluginThatFailsToStartStopsTheStartWithItsMessage() {
        Plugin broken = new Plugin() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void start(PluginContext context) {
                throw new IllegalStateException("no database at db:5432");
            }
        };

        assertThatThrownBy(() -> PolyhookBroker.builder().config(config(Map.of())).discoverPlugins(false)
                .plugin(broken).start())
                .isInstanceOf(PluginStartException.class)
                .hasMessage("plugin broken failed to start: no database at db:5432");
    }
}
