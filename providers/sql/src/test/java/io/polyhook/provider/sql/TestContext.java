package io.polyhook.provider.sql;

import io.polyhook.core.provider.PoolRegistry;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.Values;
import org.slf4j.Logger;

import java.util.Map;

/** A provider context whose logger the test reads. */
record TestContext(String name, Map<String, Object> settings, PoolRegistry pools, Logger logger)
        implements ProviderContext {

    @SuppressWarnings("unchecked")
    static TestContext of(String name, Map<String, ?> settings, Logger logger) {
        return new TestContext(name, (Map<String, Object>) Values.immutableCopy(settings), PoolRegistry.create(), logger);
    }

    @Override
    public Map<String, Object> defaults() {
        return config("providers." + name);
    }
}
