package io.polyhook.core.provider;

import org.slf4j.Logger;

import java.util.Map;

/** What a {@link ProviderFactory} is given to create its provider. */
public interface ProviderContext {

    /** The provider's name, as {@link ProviderFactory#name()} gives it. */
    String name();

    /**
     * The provider's defaults: the {@code providers.<name>} section of the broker config, as
     * unmodifiable model values, or an empty map if there is none. Settings a script leaves out
     * of {@code ensure_pool} are taken from here.
     */
    Map<String, Object> defaults();

    /** The whole broker config as unmodifiable model values (see {@link Values}). */
    Map<String, Object> settings();

    /**
     * A section of the broker config by its dotted path, e.g. {@code config("auth.postgres")},
     * or an empty map if there is none.
     *
     * @throws IllegalArgumentException if there is a value at {@code path} that is not a section
     */
    default Map<String, Object> config(String path) {
        Object value = settings();
        for (String key : path.split("\\.", -1)) {
            if (!(value instanceof Map<?, ?> section)) {
                break;
            }
            value = section.get(key);
        }
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> section) {
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) section;
            return result;
        }
        throw new IllegalArgumentException("config " + path + " is " + Values.typeName(value) + ", not a section");
    }

    /** The node's connection pools, shared with every other provider. */
    PoolRegistry pools();

    /** The provider's logger, named {@code io.polyhook.provider.<name>}. */
    Logger logger();

    /**
     * A context for the provider {@code name}.
     *
     * @param settings the broker config; converted with {@link Values#immutableCopy(Object)}
     * @throws IllegalArgumentException if {@code settings} holds something that is not a model
     *     value after conversion, or its {@code providers.<name>} entry is not a section
     */
    static ProviderContext of(String name, Map<String, ?> settings, PoolRegistry pools) {
        return BrokerProviderContext.over(name, BrokerProviderContext.freeze(settings), pools);
    }
}
