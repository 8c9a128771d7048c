/**
 * The data-provider SPI: libraries of functions ({@code kv}, {@code json}, {@code postgres}, ...)
 * written once in Java and called from scripts in any language.
 *
 * <p>A provider is a {@link io.polyhook.core.provider.DataProvider}: a name, which becomes a
 * global in every script state, and {@link io.polyhook.core.provider.ProviderFunction}s. Functions
 * take and return values of a small, language-neutral model (see
 * {@link io.polyhook.core.provider.Values}); each engine converts its own values to and from it.
 * A function reads its {@link io.polyhook.core.provider.Arguments} with typed accessors whose
 * errors read like Lua's, and fails with a {@link io.polyhook.core.provider.ProviderException},
 * which the script sees as an ordinary error. An options table (a pool's {@code ensure_pool}
 * options, say) and the provider's config section are read with
 * {@link io.polyhook.core.provider.ProviderOptions}, whose errors name the field.
 *
 * <p>Providers are created at broker start by {@link io.polyhook.core.provider.ProviderFactory}s
 * found with {@link java.util.ServiceLoader}, each given a
 * {@link io.polyhook.core.provider.ProviderContext} with its config section and the node's
 * {@link io.polyhook.core.provider.PoolRegistry}; the
 * {@link io.polyhook.core.provider.ProviderCatalog} does that and closes it all at stop.
 *
 * <p>This package depends on the JDK, slf4j and {@code hook-spi} only. Its types are immutable
 * or thread-safe unless documented otherwise.
 */
package io.polyhook.core.provider;
