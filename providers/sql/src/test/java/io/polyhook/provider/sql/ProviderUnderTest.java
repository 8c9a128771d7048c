package io.polyhook.provider.sql;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderFactory;
import io.polyhook.core.provider.testing.RecordingLogger;
import io.polyhook.core.provider.testing.TestProviderContext;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A provider made by a factory over a fresh context, whose pools and log a test reads. */
final class ProviderUnderTest implements AutoCloseable {

    final RecordingLogger log;
    final TestProviderContext context;
    final DataProvider provider;

    ProviderUnderTest(ProviderFactory factory, Map<String, ?> settings) {
        this.log = new RecordingLogger("io.polyhook.provider." + factory.name());
        this.context = TestProviderContext.of(factory.name(), settings, log.logger());
        try {
            this.provider = factory.create(context);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    ProviderUnderTest(ProviderFactory factory) {
        this(factory, Map.of());
    }

    /** Calls {@code <name>.function(args...)} as a script would. */
    Object call(String function, Object... args) {
        return provider.functions().get(function)
                .call(Arguments.of(provider.name() + "." + function, Arrays.asList(args)));
    }

    /** Calls {@code execute(poolId, sql, values...)}. */
    Object execute(String poolId, String sql, Object... values) {
        Object[] args = new Object[values.length + 2];
        args[0] = poolId;
        args[1] = sql;
        System.arraycopy(values, 0, args, 2, values.length);
        return call("execute", args);
    }

    /** Calls {@code execute} and returns its rows; fails if it did not return rows. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows(String poolId, String sql, Object... values) {
        Object result = execute(poolId, sql, values);
        if (!(result instanceof List<?>)) {
            throw new AssertionError("rows expected, got " + result);
        }
        return (List<Map<String, Object>>) result;
    }

    SqlPool pool(String poolId) {
        return context.pools().get(poolId, SqlPool.class);
    }

    /** Everything logged, formats and arguments, as one string to search. */
    String logText() {
        return log.entries().toString();
    }

    @Override
    public void close() {
        context.pools().close();
        provider.close();
    }
}
