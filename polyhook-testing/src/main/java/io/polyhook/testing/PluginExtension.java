package io.polyhook.testing;

import io.polyhook.spi.Plugin;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A JUnit 5 extension that starts a fresh instance of a plugin in a {@link PluginHarness} before
 * each test and stops it after, in the spirit of Jdbi's {@code JdbiExtension}:
 *
 * <pre>{@code
 * @RegisterExtension
 * final PluginExtension plugin = PluginExtension.of(TenantAuth::new).settings(Map.of("max_clients", 10L));
 *
 * @Test
 * void unknownUsersAreRefused(PluginHarness harness) {
 *     assertThat(harness.chain(Hooks.AUTH_ON_REGISTER, TestContexts.register(MqttVersion.V5, "c", "mallory", "x")))
 *             .isInstanceOf(ChainOutcome.Denied.class);
 * }
 * }</pre>
 *
 * Test methods and lifecycle methods may take the {@link PluginHarness} as a parameter, or read
 * {@link #harness()}.
 */
public final class PluginExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final Supplier<? extends Plugin> factory;
    private Map<String, Object> settings = Map.of();
    private UnaryOperator<PluginHarness.Builder> tweak = b -> b;
    private PluginHarness harness;

    private PluginExtension(Supplier<? extends Plugin> factory) {
        this.factory = factory;
    }

    /** An extension that starts the plugin {@code factory} makes, once per test. */
    public static PluginExtension of(Supplier<? extends Plugin> factory) {
        return new PluginExtension(Objects.requireNonNull(factory, "factory"));
    }

    /** The plugin's settings ({@code plugins.<name>}). */
    public PluginExtension settings(Map<String, Object> value) {
        settings = Map.copyOf(value);
        return this;
    }

    /** The deadline of each handler call (5 s by default). */
    public PluginExtension deadline(Duration value) {
        UnaryOperator<PluginHarness.Builder> before = tweak;
        tweak = b -> before.apply(b).deadline(value);
        return this;
    }

    /** The harness of the running test. */
    public PluginHarness harness() {
        if (harness == null) {
            throw new IllegalStateException("no test is running");
        }
        return harness;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Plugin plugin = factory.get();
        harness = tweak.apply(PluginHarness.builder().plugin(plugin).settings(plugin.name(), settings)).start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (harness != null) {
            harness.close();
            harness = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PluginHarness.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return harness();
    }
}
