package io.polyhook.spi;

import java.util.Map;

/**
 * What the broker gives a {@link Plugin} when it starts: everything a script can reach through
 * its libraries, typed. The context stays valid until the plugin's {@link Plugin#stop()}
 * returns; a plugin may keep it and use it from its handlers and its own threads.
 *
 * @since 0.1
 */
public interface PluginContext {

    /**
     * Where the plugin registers its hook handlers.
     *
     * @return the registrar, which removes every handler of this plugin when it stops
     * @since 0.1
     */
    HookRegistrar hooks();

    /**
     * The plugin's own settings: the {@code plugins.<name>} section of the broker's config file
     * as plain values ({@code String}, {@code Boolean}, {@code Long}, {@code Double}, {@code List},
     * {@code Map}); empty if there is none.
     *
     * @return the settings, unmodifiable
     * @since 0.1
     */
    Map<String, Object> settings();

    /**
     * The plugin's logger, named {@code io.polyhook.plugin.<name>}; the broker routes it to its own
     * log output. Never log a password, a token or a payload that may hold one.
     *
     * @return the logger
     * @since 0.1
     */
    System.Logger logger();

    /**
     * What the plugin may do to the broker: publish, disconnect a client, re-authorize its
     * subscriptions (the {@code vmq_api} library of scripts).
     *
     * @return the broker's actions
     * @since 0.1
     */
    BrokerActions broker();

    /**
     * The broker's auth cache (the {@code auth_cache} library of scripts): what it holds for a
     * client and what it would answer for a request.
     *
     * @return the auth cache
     * @since 0.1
     */
    AuthCacheView authCache();

    /**
     * Meters of the plugin's own, published on the broker's {@code /metrics} with the label
     * {@code plugin="<name>"}. They are removed when the plugin stops.
     *
     * @return the plugin's metrics registry
     * @since 0.1
     */
    PluginMetrics metrics();
}
