package io.polyhook.provider.testing;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.PoolRegistry;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;
import io.polyhook.core.provider.ProviderFunction;

import java.util.Map;

/** Starts a provider through its factory, as the broker does, and calls its functions as a script would. */
public final class Providers {

    private Providers() {
    }

    /** The provider {@code factory} creates with no broker config. */
    public static DataProvider start(ProviderFactory factory) {
        return start(factory, Map.of());
    }

    /** The provider {@code factory} creates with the broker config {@code settings}. */
    public static DataProvider start(ProviderFactory factory, Map<String, ?> settings) {
        try {
            return factory.create(ProviderContext.of(factory.name(), settings, PoolRegistry.create()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The broker config with {@code section} as {@code providers.<name>}. */
    public static Map<String, Object> providerSettings(String name, Map<String, ?> section) {
        return Map.of("providers", Map.of(name, section));
    }

    /** Calls {@code provider.function(args...)}, e.g. {@code call(kv, "insert", "t", Map.of("k", "v"))}. */
    public static Object call(DataProvider provider, String function, Object... args) {
        ProviderFunction f = provider.functions().get(function);
        if (f == null) {
            throw new IllegalArgumentException(provider.name() + " has no function " + function);
        }
        return f.call(Arguments.of(provider.name() + "." + function, args));
    }
}
