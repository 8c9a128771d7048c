package io.polyhook.testing;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PluginExtensionTest {

    /** Admits only the user its settings name. */
    public static final class OnlyOneUser implements Plugin {
        @Override
        public void start(PluginContext context) {
            String user = (String) context.settings().get("user");
            context.hooks().register(Hooks.AUTH_ON_REGISTER_M5,
                    r -> r.username().filter(user::equals).isPresent() ? Verdict.ok() : Verdict.deny());
        }
    }

    @RegisterExtension
    final PluginExtension plugin = PluginExtension.of(OnlyOneUser::new).settings(Map.of("user", "alice"));

    @Test
    void theNamedUserIsAdmitted(PluginHarness harness) {
        assertThat(harness.chain(Hooks.AUTH_ON_REGISTER_M5, TestContexts.register(MqttVersion.V5, "c", "alice", "pw")))
                .isInstanceOf(ChainOutcome.Allowed.class);
    }

    @Test
    void anotherUserIsRefused() {
        assertThat(plugin.harness().chain(Hooks.AUTH_ON_REGISTER_M5, TestContexts.register(MqttVersion.V5, "c", "bob", "pw")))
                .isInstanceOf(ChainOutcome.Denied.class);
    }
}
