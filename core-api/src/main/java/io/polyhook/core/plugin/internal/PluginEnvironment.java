package io.polyhook.core.plugin.internal;

import io.polyhook.spi.AuthCacheView;
import io.polyhook.spi.BrokerActions;
import io.polyhook.spi.PluginMetrics;

import java.util.Objects;

/**
 * What a broker lends its plugins, beyond the hook registry: the operations behind
 * {@link io.polyhook.spi.PluginContext#broker()}, its auth cache, and a metrics registry per plugin.
 *
 * @param broker    publish, disconnect, re-authorize
 * @param authCache the auth cache
 * @param meters    gives each plugin its metrics registry and takes it back when the plugin stops
 */
public record PluginEnvironment(BrokerActions broker, AuthCacheView authCache, Meters meters) {

    /** Checks every part is present. */
    public PluginEnvironment {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(authCache, "authCache");
        Objects.requireNonNull(meters, "meters");
    }

    /**
     * An environment without a broker: every {@link BrokerActions} call throws
     * {@link IllegalStateException}, the auth cache is empty, and meters are kept in memory
     * ({@link LocalMetrics}).
     */
    public static PluginEnvironment detached() {
        return new PluginEnvironment(new BrokerActions() {
            @Override
            public void publish(io.polyhook.spi.Publication message) {
                throw new IllegalStateException("no broker: this plugin host cannot publish");
            }

            @Override
            public boolean disconnect(io.polyhook.spi.SubscriberId client, boolean discardSession) {
                throw new IllegalStateException("no broker: this plugin host has no clients");
            }

            @Override
            public void reauthorizeSubscriptions(io.polyhook.spi.SubscriberId client, java.util.Optional<String> username) {
                throw new IllegalStateException("no broker: this plugin host has no clients");
            }
        }, EmptyAuthCache.INSTANCE, LocalMetrics.perPlugin());
    }

    /** Per-plugin metrics registries. */
    public interface Meters {
        /** The registry of plugin {@code name}, whose meters carry {@code plugin=<name>}. */
        PluginMetrics forPlugin(String name);

        /** Removes every meter of plugin {@code name}. */
        void remove(String name);
    }
}
