package io.polyhook.core.provider.testing;

import io.polyhook.core.provider.PoolRegistry;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.Values;
import org.slf4j.Logger;

import java.util.Map;

/**
 * A provider context for tests: the broker config, a fresh {@link PoolRegistry} and a logger
 * the test chooses, typically a {@link RecordingLogger}'s, which
 * {@link ProviderContext#of(String, Map, PoolRegistry)} does not let one pass. Close
 * {@link #pools()} when done to close the pools the provider made.
 *
 * @param name     the provider's name, e.g. {@code "redis"}
 * @param settings the whole broker config as unmodifiable model values
 */
public record TestProviderContext(String name, Map<String, Object> settings, PoolRegistry pools, Logger logger)
        implements ProviderContext {

    /**
     * A context for the provider {@code name} with the broker config {@code settings} (converted
     * with {@link Values#immutableCopy(Object)}), a new pool registry, and {@code logger}.
     */
    @SuppressWarnings("unchecked")
    public static TestProviderContext of(String name, Map<String, ?> settings, Logger logger) {
        return new TestProviderContext(name, (Map<String, Object>) Values.immutableCopy(settings), PoolRegistry.create(),
                logger);
    }

    /** The {@code providers.<name>} section of {@link #settings()}, or an empty map. */
    @Override
    public Map<String, Object> defaults() {
        return config("providers." + name);
    }
}
