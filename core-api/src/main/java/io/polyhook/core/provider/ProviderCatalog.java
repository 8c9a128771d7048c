package io.polyhook.core.provider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The data providers of a broker: found, created at start, closed at stop.
 *
 * <pre>{@code
 * ProviderCatalog catalog = ProviderCatalog.builder()
 *     .discover(Thread.currentThread().getContextClassLoader())
 *     .settings(brokerConfig)
 *     .start();
 * catalog.providers().forEach(engine::install);
 * ...
 * catalog.close();
 * }</pre>
 *
 * <p>The catalog owns one {@link PoolRegistry}, which every provider gets through its
 * {@link ProviderContext}, and closes it after the providers.
 */
public final class ProviderCatalog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderCatalog.class);

    private final List<DataProvider> providers;
    private final Map<String, DataProvider> byName;
    private final PoolRegistry pools;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ProviderCatalog(List<DataProvider> providers, PoolRegistry pools) {
        this.providers = List.copyOf(providers);
        Map<String, DataProvider> byName = new LinkedHashMap<>();
        providers.forEach(p -> byName.put(p.name(), p));
        this.byName = byName;
        this.pools = pools;
    }

    /** Starts collecting factories. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every provider, in name order. */
    public List<DataProvider> providers() {
        return providers;
    }

    /** The provider named {@code name}, if there is one. */
    public Optional<DataProvider> provider(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The pools the providers share. */
    public PoolRegistry pools() {
        return pools;
    }

    /**
     * Closes the providers, in reverse name order, and then the pool registry. A provider that
     * fails to close is logged and the rest are still closed. Closing again does nothing.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeAll(providers, pools);
        }
    }

    @Override
    public String toString() {
        return "ProviderCatalog" + byName.keySet();
    }

    private static void closeAll(List<DataProvider> providers, PoolRegistry pools) {
        for (DataProvider provider : providers.reversed()) {
            try {
                provider.close();
            } catch (RuntimeException e) {
                LOG.warn("Failed to close provider {}", provider.name(), e);
            }
        }
        pools.close();
    }

    /** Collects the factories and the settings; not thread-safe, used once. */
    public static final class Builder {

        private final List<ProviderFactory> discovered = new ArrayList<>();
        private final List<ProviderFactory> explicit = new ArrayList<>();
        private Map<String, ?> settings = Map.of();

        private Builder() {
        }

        /**
         * Adds every {@link ProviderFactory} that {@link ServiceLoader} finds through {@code loader}.
         *
         * @throws IllegalStateException if a listed factory cannot be loaded or instantiated
         */
        public Builder discover(ClassLoader loader) {
            try {
                for (ProviderFactory factory : ServiceLoader.load(ProviderFactory.class, loader)) {
                    discovered.add(factory);
                }
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("cannot load a provider factory: " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Adds {@code factory}, for embedding and tests, or factories bound in a DI container. It
         * replaces a {@linkplain #discover discovered} factory of the same name, so a broker can
         * hand a provider a shared object (such as the auth cache) that ServiceLoader cannot.
         */
        public Builder factory(ProviderFactory factory) {
            explicit.add(Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /**
         * The broker config, handed to the providers as model values (see
         * {@link ProviderContext#settings()}); empty by default.
         */
        public Builder settings(Map<String, ?> settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Creates every provider, in name order, with a new pool registry. If any of them
         * cannot be created, closes those created so far and the registry, and fails.
         *
         * @throws IllegalStateException naming the factory classes if two discovered (or two
         *     explicit) factories share a name, or a factory's name is not an identifier, and naming the provider if its
         *     factory throws or returns a provider with another name
         * @throws IllegalArgumentException if the settings are not convertible to model values
         */
        public ProviderCatalog start() {
            Map<String, ProviderFactory> byName = byName(explicit);
            byName(discovered).forEach(byName::putIfAbsent);
            Map<String, Object> frozen = BrokerProviderContext.freeze(settings);
            PoolRegistry pools = PoolRegistry.create();
            List<DataProvider> started = new ArrayList<>();
            try {
                for (Map.Entry<String, ProviderFactory> e : byName.entrySet()) {
                    started.add(create(e.getKey(), e.getValue(), frozen, pools));
                }
            } catch (RuntimeException | Error e) {
                closeAll(started, pools);
                throw e;
            }
            LOG.debug("Started providers {}", byName.keySet());
            return new ProviderCatalog(started, pools);
        }

        private static Map<String, ProviderFactory> byName(List<ProviderFactory> factories) {
            Map<String, ProviderFactory> byName = new TreeMap<>();
            for (ProviderFactory factory : factories) {
                String name = factory.name();
                try {
                    DataProvider.Builder.requireIdentifier(name, "provider name");
                } catch (RuntimeException e) {
                    throw new IllegalStateException("provider factory " + factory.getClass().getName()
                            + " has an invalid name: " + e.getMessage(), e);
                }
                ProviderFactory other = byName.putIfAbsent(name, factory);
                if (other != null) {
                    throw new IllegalStateException("two provider factories are named " + name + ": "
                            + other.getClass().getName() + " and " + factory.getClass().getName());
                }
            }
            return byName;
        }

        private static DataProvider create(String name, ProviderFactory factory, Map<String, Object> settings,
                                           PoolRegistry pools) {
            String origin = "provider " + name + " (" + factory.getClass().getName() + ")";
            DataProvider provider;
            try {
                provider = factory.create(BrokerProviderContext.over(name, settings, pools));
            } catch (Exception e) {
                throw new IllegalStateException(origin + " failed to start: " + e, e);
            }
            if (provider == null) {
                throw new IllegalStateException(origin + " created no provider");
            }
            if (!name.equals(provider.name())) {
                IllegalStateException mismatch =
                        new IllegalStateException(origin + " created a provider named " + provider.name());
                try {
                    provider.close();
                } catch (RuntimeException e) {
                    mismatch.addSuppressed(e);
                }
                throw mismatch;
            }
            return provider;
        }
    }
}
