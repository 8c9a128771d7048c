package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.cluster.ClusterRetained;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Registration;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.TopologyChanged;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.infinispan.notifications.cachelistener.event.TopologyChangedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * Retained messages on a replicated cache, key {@code (mountpoint, topic)}, value a
 * {@link RetainedRecord}. Other nodes' changes reach the broker's listeners in the order they
 * arrive; after a merge, once the cache has settled, every entry is handed to them again, so
 * each node's store ends as the cache decided (the later write wins).
 */
public final class ReplicatedRetained implements ClusterRetained {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedRetained.class);

    private final String self;
    private final Cache<String, byte[]> cache;
    private final ScheduledExecutorService events;
    private final CoalescingWriter<byte[]> writer;
    private final List<BiConsumer<String, Message>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean resyncAfterMerge = new AtomicBoolean();
    private final Object watcher = new Watcher();

    /** Retained messages on {@code cache}, written on {@code writerThread}, heard on {@code events}. */
    public ReplicatedRetained(String self, Cache<String, byte[]> cache, ScheduledExecutorService events,
                              ExecutorService writerThread) {
        this.self = self;
        this.cache = cache;
        this.events = events;
        // A topic's record may be written by any node: a late retry could overwrite a newer one, so none.
        this.writer = new CoalescingWriter<>(cache, writerThread, events, () -> { }, false);
    }

    /** Starts hearing other nodes' changes. */
    public void start() {
        cache.addListener(watcher);
    }

    @Override
    public void retain(String mountpoint, Message message) {
        writer.put(Keys.of(mountpoint, message.topic()), RetainedRecord.encode(System.currentTimeMillis(), self, message));
    }

    @Override
    public Registration onChange(BiConsumer<String, Message> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void forEach(BiConsumer<String, Message> sink) {
        each((mountpoint, m) -> {
            if (!m.payload().isEmpty()) {
                sink.accept(mountpoint, m);
            }
        });
    }

    /** After a merge, the next settled topology hands every entry to the listeners again. */
    public void onView(ViewChange change) {
        if (change.merge()) {
            resyncAfterMerge.set(true);
            resync();
        }
    }

    private void resync() {
        int[] n = {0};
        each((mountpoint, m) -> {
            tell(mountpoint, m);
            n[0]++;
        });
        LOG.debug("re-applied {} retained records after a merge", n[0]);
    }

    private void each(BiConsumer<String, Message> sink) {
        for (Map.Entry<String, byte[]> e : cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL).entrySet()) {
            try {
                sink.accept(Keys.parts(e.getKey()).get(0), RetainedRecord.message(e.getValue()));
            } catch (RuntimeException ex) {
                LOG.warn("skipping an unreadable retained record: {}", ex.toString());
            }
        }
    }

    private void tell(String mountpoint, Message m) {
        for (BiConsumer<String, Message> l : listeners) {
            try {
                l.accept(mountpoint, m);
            } catch (RuntimeException e) {
                LOG.warn("a retained-message listener failed: {}", e.toString());
            }
        }
    }

    /** Moves other nodes' changes to the event thread. */
    @Listener
    public final class Watcher {

        @CacheEntryCreated
        @CacheEntryModified
        public void entry(CacheEntryEvent<String, byte[]> e) {
            if (e.isPre() || e.isOriginLocal() || e.getValue() == null) {
                return;
            }
            String key = e.getKey();
            byte[] value = e.getValue();
            events.execute(() -> {
                try {
                    tell(Keys.parts(key).get(0), RetainedRecord.message(value));
                } catch (RuntimeException ex) {
                    LOG.warn("skipping an unreadable retained record: {}", ex.toString());
                }
            });
        }

        @TopologyChanged
        public void topology(TopologyChangedEvent<String, byte[]> e) {
            if (!e.isPre() && resyncAfterMerge.getAndSet(false)) {
                events.execute(ReplicatedRetained.this::resync);
            }
        }
    }
}
