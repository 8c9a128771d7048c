package io.polyhook.core.provider;

import java.util.Set;
import java.util.function.Supplier;

/**
 * The node-global connection pools, by {@code pool_id}, shared by every script and script state.
 *
 * <p>This is vmq_diversity's pool model: a script calls {@code postgres.ensure_pool{pool_id=...}}
 * from every state, every time it loads, and only the first call creates the pool. A pool id is
 * unique across all providers, pools outlive the scripts that created them, and all of them are
 * closed when the broker stops.
 *
 * <p>Implementations are thread-safe.
 */
public interface PoolRegistry extends AutoCloseable {

    /** A new, empty registry. */
    static PoolRegistry create() {
        return new ConcurrentPoolRegistry();
    }

    /**
     * Returns the pool {@code poolId}, creating it with {@code factory} if there is none.
     *
     * <p>If the pool exists, it is returned as it is: {@code factory} is not called and the
     * settings the caller would have used are not applied. Concurrent calls for the same id
     * run the factory once; the others wait for it and get its pool. A factory runs without
     * any registry-wide lock held, so a slow connect delays only callers of that id.
     *
     * <p>If the factory throws, nothing is registered (a later call tries again) and the
     * caller, and whoever waited for it, gets a {@link ProviderException} whose message names
     * the pool and carries the factory's exception class and message. Scripts see that message,
     * so <strong>factories must not throw exceptions whose message holds a password</strong>.
     *
     * @param type the pool's class; a pool id is unique across all providers, so asking for an
     *     existing id with another type is an error, not a second pool
     * @throws ProviderException if the pool exists with another type, the factory failed, or
     *     the registry is closed
     */
    <P extends AutoCloseable> P ensure(String poolId, Class<P> type, Supplier<? extends P> factory);

    /**
     * What {@code <library>.ensure_pool(options)} does in a pooled provider: reads {@code pool_id}
     * from the options table (argument 1; {@code defaultPool} if absent), lets {@code settings}
     * read and check the rest, warns about options not in {@code known}, and {@link #ensure}s the
     * pool with the factory {@code settings} returned; a failure is a script error of the call.
     *
     * @param library  the library's name, for the warning ({@code "redis"})
     * @param settings reads the options (failing with their errors) and returns the pool factory
     * @return {@code true}, what scripts get
     */
    default <P extends AutoCloseable> Boolean ensureFromScript(Arguments args, String library, String defaultPool,
            Set<String> known, org.slf4j.Logger log, Class<P> type,
            java.util.function.Function<ProviderOptions, Supplier<? extends P>> settings) {
        ProviderOptions options = ProviderOptions.forArgument(args, 1);
        String poolId = options.nonEmpty("pool_id", defaultPool);
        Supplier<? extends P> factory = settings.apply(options);
        options.warnUnknown(known, log, library + ".ensure_pool of pool " + poolId);
        try {
            ensure(poolId, type, factory);
        } catch (ProviderException e) {
            throw args.error(e.getMessage());
        }
        return true;
    }

    /**
     * Returns the existing pool {@code poolId}. If another caller is creating it at this
     * moment, waits for that.
     *
     * @throws ProviderException {@code unknown pool: <poolId>} if there is no such pool, or if
     *     the pool has another type
     */
    <P> P get(String poolId, Class<P> type);

    /** Whether the pool {@code poolId} exists (a pool still being created does not count yet). */
    boolean contains(String poolId);

    /** The ids of the existing pools, in creation order; a snapshot. */
    Set<String> ids();

    /**
     * Removes the pool {@code poolId} and closes it. A failure to close is logged, not thrown:
     * the pool is gone either way.
     *
     * @return whether there was such a pool
     */
    boolean remove(String poolId);

    /**
     * Closes every pool, the most recently created first, so a pool that uses an older one
     * goes before it. A pool that fails to close is logged and the others are still closed.
     * Waits for pools being created at this moment and closes them too. Afterwards
     * {@link #ensure} throws {@code pool registry is closed}. Closing again does nothing.
     */
    @Override
    void close();
}
