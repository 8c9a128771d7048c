package io.polyhook.core.provider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The {@link PoolRegistry}: a concurrent map from pool id to a slot that a pool's creator
 * fills. Claiming the slot with {@code putIfAbsent} picks the one creator; the factory then
 * runs outside the map's locks (unlike {@code computeIfAbsent}), so a slow connect blocks only
 * the callers of that id, and a factory may itself use the registry.
 */
final class ConcurrentPoolRegistry implements PoolRegistry {

    private final Logger log;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicLong creations = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;

    ConcurrentPoolRegistry() {
        this(LoggerFactory.getLogger(PoolRegistry.class));
    }

    // Tests pass a recording logger to see what close reports.
    ConcurrentPoolRegistry(Logger log) {
        this.log = log;
    }

    @Override
    public <P extends AutoCloseable> P ensure(String poolId, Class<P> type, Supplier<? extends P> factory) {
        requirePoolId(poolId);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        if (closed) {
            throw closedError();
        }
        Slot slot = slots.get(poolId);
        if (slot == null) {
            Slot mine = new Slot(type);
            slot = slots.putIfAbsent(poolId, mine);
            if (slot == null) {
                return create(poolId, mine, type, factory);
            }
        }
        Created created = await(poolId, slot);
        return checkType(poolId, slot, created, type);
    }

    private <P extends AutoCloseable> P create(String poolId, Slot mine, Class<P> type, Supplier<? extends P> factory) {
        // Checked after claiming the slot: a close that began before the claim might not
        // see the slot, so the pool would never be closed.
        if (closed) {
            ProviderException failure = closedError();
            abandon(poolId, mine, failure);
            throw failure;
        }
        P pool;
        try {
            pool = factory.get();
            if (!type.isInstance(pool)) {
                throw new IllegalStateException("the pool factory returned "
                        + (pool == null ? "null" : "a " + pool.getClass().getName()) + ", not a " + type.getName());
            }
        } catch (RuntimeException e) {
            ProviderException failure = creationFailure(poolId, e);
            abandon(poolId, mine, failure);
            throw failure;
        } catch (Error e) {
            abandon(poolId, mine, e);
            throw e;
        }
        mine.future.complete(new Created(pool, creations.incrementAndGet()));
        return pool;
    }

    // Unregisters first, so a caller arriving after the waiters are woken starts afresh.
    private void abandon(String poolId, Slot mine, Throwable failure) {
        slots.remove(poolId, mine);
        mine.future.completeExceptionally(failure);
    }

    @Override
    public <P> P get(String poolId, Class<P> type) {
        requirePoolId(poolId);
        Objects.requireNonNull(type, "type");
        Slot slot = slots.get(poolId);
        if (slot == null) {
            throw closed ? closedError() : unknownPool(poolId);
        }
        Created created;
        try {
            created = await(poolId, slot);
        } catch (ProviderException creationFailed) {
            throw unknownPool(poolId);
        }
        return checkType(poolId, slot, created, type);
    }

    @Override
    public boolean contains(String poolId) {
        Slot slot = slots.get(poolId);
        return slot != null && slot.future.isDone() && !slot.future.isCompletedExceptionally();
    }

    @Override
    public Set<String> ids() {
        List<Map.Entry<String, Created>> existing = new ArrayList<>();
        slots.forEach((id, slot) -> {
            Created created = slot.future.getNow(null);
            if (created != null) {
                existing.add(Map.entry(id, created));
            }
        });
        existing.sort(Comparator.comparingLong(e -> e.getValue().sequence()));
        Set<String> ids = new LinkedHashSet<>();
        existing.forEach(e -> ids.add(e.getKey()));
        return Collections.unmodifiableSet(ids);
    }

    @Override
    public boolean remove(String poolId) {
        Slot slot = slots.remove(requirePoolId(poolId));
        Created created = slot == null ? null : awaitQuietly(slot);
        if (created == null) {
            return false;
        }
        closeQuietly(poolId, created.pool());
        return true;
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        List<Map.Entry<String, Created>> existing = new ArrayList<>();
        for (Map.Entry<String, Slot> e : slots.entrySet()) {
            if (slots.remove(e.getKey(), e.getValue())) {
                Created created = awaitQuietly(e.getValue());
                if (created != null) {
                    existing.add(Map.entry(e.getKey(), created));
                }
            }
        }
        // Newest first: a pool created later may depend on one created before it.
        existing.sort(Comparator.comparingLong((Map.Entry<String, Created> e) -> e.getValue().sequence()).reversed());
        for (Map.Entry<String, Created> e : existing) {
            closeQuietly(e.getKey(), e.getValue().pool());
        }
    }

    @Override
    public String toString() {
        return "PoolRegistry" + ids();
    }

    private static <P> P checkType(String poolId, Slot slot, Created created, Class<P> type) {
        if (!type.isInstance(created.pool())) {
            throw new ProviderException("pool " + poolId + " is a " + slot.type.getName()
                    + ", not a " + type.getName() + " (pool ids are unique across all providers)");
        }
        return type.cast(created.pool());
    }

    private static Created await(String poolId, Slot slot) {
        try {
            return slot.future.join();
        } catch (CompletionException e) {
            // Each waiter gets its own exception, so its stack trace shows its own call.
            if (e.getCause() instanceof ProviderException failure) {
                throw new ProviderException(failure.getMessage(), failure);
            }
            if (e.getCause() instanceof Error error) {
                throw new ProviderException("cannot create pool " + poolId + ": " + error, error);
            }
            throw e;
        }
    }

    private static Created awaitQuietly(Slot slot) {
        try {
            return slot.future.join();
        } catch (CompletionException creationFailed) {
            return null;
        }
    }

    private void closeQuietly(String poolId, AutoCloseable pool) {
        try {
            pool.close();
        } catch (Exception e) {
            log.warn("Failed to close pool {}", poolId, e);
        }
    }

    private static String requirePoolId(String poolId) {
        Objects.requireNonNull(poolId, "poolId");
        if (poolId.isEmpty()) {
            throw new ProviderException("pool id must not be empty");
        }
        return poolId;
    }

    // The factory's class and message as given: whoever wrote the factory vouches for them
    // being free of secrets (see PoolRegistry#ensure).
    private static ProviderException creationFailure(String poolId, RuntimeException e) {
        String reason = e instanceof ProviderException ? e.getMessage() : e.toString();
        return new ProviderException("cannot create pool " + poolId + ": " + reason, e);
    }

    private static ProviderException unknownPool(String poolId) {
        return new ProviderException("unknown pool: " + poolId);
    }

    private static ProviderException closedError() {
        return new ProviderException("pool registry is closed");
    }

    /** The pool of one id, or the promise of it while its creator runs the factory. */
    private static final class Slot {
        final Class<?> type;
        final CompletableFuture<Created> future = new CompletableFuture<>();

        Slot(Class<?> type) {
            this.type = type;
        }
    }

    /** A pool and its place in creation order. */
    private record Created(AutoCloseable pool, long sequence) {
    }
}
