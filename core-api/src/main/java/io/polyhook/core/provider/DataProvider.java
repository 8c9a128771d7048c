package io.polyhook.core.provider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named library of functions that scripts call: {@code kv}, {@code log}, {@code postgres}.
 *
 * <p>A provider is created once per broker by its {@link ProviderFactory} and shared by every
 * script and every script state, so its functions must be thread-safe. Engines install it into
 * each state as a global named {@link #name()} holding the {@link #functions()}.
 *
 * <pre>{@code
 * DataProvider kv = DataProvider.builder("kv")
 *     .function("insert", args -> tables.insert(args.string(1), args.map(2)))
 *     .function("lookup", args -> tables.lookup(args.string(1), args.get(2)))
 *     .onClose(tables::clear)
 *     .build();
 * }</pre>
 */
public interface DataProvider extends AutoCloseable {

    /** The global name scripts see, a Lua/JavaScript identifier: {@code "kv"}, {@code "postgres"}. */
    String name();

    /** The functions by name, in the order they were declared; unmodifiable. */
    Map<String, ProviderFunction> functions();

    /**
     * Releases what the provider holds, when the broker stops. Pools in the
     * {@link PoolRegistry} are closed by the registry, not here. Does nothing by default.
     */
    @Override
    default void close() {
    }

    /** Starts an immutable provider named {@code name}. */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /** Collects the functions of a provider; not thread-safe, used once. */
    final class Builder {

        // Names become Lua globals and table keys and JavaScript properties, so both
        // languages must be able to write them without quoting.
        private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

        private final String name;
        private final Map<String, ProviderFunction> functions = new LinkedHashMap<>();
        private final List<Runnable> closeActions = new ArrayList<>();

        private Builder(String name) {
            this.name = requireIdentifier(name, "provider name");
        }

        /**
         * Adds the function {@code name}.
         *
         * @throws IllegalArgumentException if {@code name} is not an identifier or was added before
         */
        public Builder function(String name, ProviderFunction function) {
            requireIdentifier(name, "function name");
            Objects.requireNonNull(function, "function");
            if (functions.putIfAbsent(name, function) != null) {
                throw new IllegalArgumentException(this.name + "." + name + " is declared twice");
            }
            return this;
        }

        /**
         * Adds an action to run when the provider is closed. Actions run once, the last added
         * first (as try-with-resources would), and a failing action does not stop the others.
         */
        public Builder onClose(Runnable action) {
            closeActions.add(Objects.requireNonNull(action, "action"));
            return this;
        }

        /** Builds the provider; the builder can be discarded afterwards. */
        public DataProvider build() {
            List<Runnable> reversed = new ArrayList<>(closeActions);
            Collections.reverse(reversed);
            return new BuiltProvider(name, Collections.unmodifiableMap(new LinkedHashMap<>(functions)),
                    List.copyOf(reversed));
        }

        static String requireIdentifier(String name, String what) {
            Objects.requireNonNull(name, what);
            if (!IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException(what + " is not an identifier: '" + name + "'");
            }
            return name;
        }
    }
}
