package io.polyhook.core.provider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;

/** The {@link ProviderContext} the broker hands each factory. */
record BrokerProviderContext(String name, Map<String, Object> settings, PoolRegistry pools, Logger logger)
        implements ProviderContext {

    BrokerProviderContext {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(pools, "pools");
        Objects.requireNonNull(logger, "logger");
    }

    /** A context over {@code settings}, which must be frozen already, so providers can share one copy. */
    static BrokerProviderContext over(String name, Map<String, Object> frozenSettings, PoolRegistry pools) {
        BrokerProviderContext context = new BrokerProviderContext(name, frozenSettings, pools,
                LoggerFactory.getLogger("io.polyhook.provider." + name));
        context.defaults(); // a malformed section fails here, before the factory runs
        return context;
    }

    /** Freezes {@code settings} into unmodifiable model values. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> freeze(Map<String, ?> settings) {
        try {
            return (Map<String, Object>) Values.immutableCopy(Objects.requireNonNull(settings, "settings"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the broker settings cannot be given to providers: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> defaults() {
        return config("providers." + name);
    }

    /** Shows the name only: the settings hold passwords. */
    @Override
    public String toString() {
        return "ProviderContext[" + name + "]";
    }
}
