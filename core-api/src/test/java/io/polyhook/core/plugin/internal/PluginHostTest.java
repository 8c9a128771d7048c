package io.polyhook.core.plugin.internal;

import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.plugin.internal.PluginStartException;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginHostTest {

    private final HookRegistry registry = new HookRegistry();
    private final List<String> events = new ArrayList<>();

    private Plugin plugin(String name, boolean failOnStart) {
        return new Plugin() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start(PluginContext context) {
                events.add("start " + name + " " + context.settings());
                context.hooks().register(Hooks.AUTH_ON_PUBLISH, ctx -> Verdict.ok());
                if (failOnStart) {
                    throw new IllegalStateException("no database");
                }
            }

            @Override
            public void stop() {
                events.add("stop " + name);
            }
        };
    }

    @Test
    void pluginsStartInOrderWithTheirSettingsAndStopInReverse() {
        PluginHost host = PluginHost.start(registry, List.of(plugin("a", false), plugin("b", false)),
                name -> Map.of("who", name));

        assertThat(registry.handlers(Hooks.AUTH_ON_PUBLISH))
                .containsExactly(HandlerOrigin.plugin("a"), HandlerOrigin.plugin("b"));
        host.close();

        assertThat(events).containsExactly("start a {who=a}", "start b {who=b}", "stop b", "stop a");
        assertThat(registry.has(Hooks.AUTH_ON_PUBLISH)).isFalse();
    }

    @Test
    void aPluginThatFailsToStartStopsTheStartAndLeavesNothingRegistered() {
        assertThatThrownBy(() -> PluginHost.start(registry, List.of(plugin("ok", false), plugin("broken", true)),
                name -> Map.of()))
                .isInstanceOf(PluginStartException.class)
                .hasMessage("plugin broken failed to start: no database");

        assertThat(registry.has(Hooks.AUTH_ON_PUBLISH)).isFalse();
        assertThat(events).endsWith("stop ok");
    }

    @Test
    void discoveryFindsPluginsListedInMetaInfServices() {
        assertThat(PluginHost.discover(getClass().getClassLoader()))
                .extracting(Plugin::name).contains("ServiceLoadedPlugin");
    }

    @Test
    void eachPluginGetsALoggerOfItsOwnAndMetersThatGoWhenItStops() {
        List<PluginContext> contexts = new ArrayList<>();
        Plugin recording = new Plugin() {
            @Override
            public String name() {
                return "acl";
            }

            @Override
            public void start(PluginContext context) {
                contexts.add(context);
                context.metrics().counter("denied", "requests denied").increment();
            }
        };
        PluginEnvironment env = PluginEnvironment.detached();
        PluginHost host = PluginHost.start(registry, List.of(new PluginHost.Candidate(recording, "embedded")),
                name -> Map.of(), env);

        assertThat(contexts.getFirst().logger().getName()).isEqualTo("io.polyhook.plugin.acl");
        assertThat(env.meters().forPlugin("acl").counter("denied", "").count()).isEqualTo(1.0);
        host.close();
        assertThat(env.meters().forPlugin("acl").counter("denied", "").count()).isZero();
    }

    @Test
    void aDetachedPluginCannotActOnABrokerItDoesNotHave() {
        PluginEnvironment env = PluginEnvironment.detached();

        assertThatThrownBy(() -> env.broker().disconnect(new io.polyhook.spi.SubscriberId("", "c"), false))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("no broker");
        assertThatThrownBy(() -> env.meters().forPlugin("p").counter("Bad Name", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a valid meter name");
    }
}
