package io.polyhook.core.provider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** What {@link DataProvider.Builder} builds. */
final class BuiltProvider implements DataProvider {

    private final String name;
    private final Map<String, ProviderFunction> functions;
    private final List<Runnable> closeActions;
    private final AtomicBoolean closed = new AtomicBoolean();

    BuiltProvider(String name, Map<String, ProviderFunction> functions, List<Runnable> closeActions) {
        this.name = name;
        this.functions = functions;
        this.closeActions = closeActions;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, ProviderFunction> functions() {
        return functions;
    }

    /**
     * Runs every close action once. The first failure is rethrown only after all actions ran
     * (later ones suppressed), so one failing action cannot keep the others from releasing
     * what they hold.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException failure = null;
        for (Runnable action : closeActions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "DataProvider[" + name + ", functions=" + functions.keySet() + "]";
    }
}
