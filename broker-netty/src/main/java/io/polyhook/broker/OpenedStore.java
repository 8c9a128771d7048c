package io.polyhook.broker;

import com.google.inject.Module;
import com.google.inject.multibindings.OptionalBinder;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.BrokerStoreFactory;
import io.polyhook.broker.config.PersistenceSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The broker's durable store for one run: opened before anything else starts (so a locked,
 * damaged or incompatible store stops the start with its one-line message), bound for the
 * session layer, closed (flushed) last. Absent with {@code persistence.enabled: false}: sessions
 * then live in memory as they always did.
 */
final class OpenedStore {

    private static final Logger LOG = LoggerFactory.getLogger(OpenedStore.class);

    private final BrokerStore store; // null: persistence off
    private final boolean owned;
    private boolean closed;

    private OpenedStore(BrokerStore store, boolean owned) {
        this.store = store;
        this.owned = owned;
    }

    /**
     * The store of {@code settings} (its relative folder taken from the working folder: a loaded
     * config file has resolved it already), or {@code given} if an embedder passed one.
     */
    static OpenedStore open(PersistenceSettings settings, BrokerStore given) {
        if (given != null) {
            return new OpenedStore(given, false);
        }
        if (!settings.enabled()) {
            return new OpenedStore(null, false);
        }
        BrokerStore store = BrokerStoreFactory.forSettings(settings, Path.of(""));
        LOG.info("persistence: store in {} (sync {}{})", settings.folder(Path.of("")), settings.sync().configName(),
                settings.sync() == io.polyhook.broker.config.SyncMode.BATCH ? ", every " + settings.syncInterval().toMillis()
                        + " ms" : "");
        return new OpenedStore(store, true);
    }

    /** Binds the store, if there is one, as an optional {@link BrokerStore}, and this. */
    Module module() {
        return binder -> {
            binder.bind(OpenedStore.class).toInstance(this);
            OptionalBinder<BrokerStore> b = OptionalBinder.newOptionalBinder(binder, BrokerStore.class);
            if (store != null) {
                b.setBinding().toInstance(store);
            }
        };
    }

    /** Flushes and releases the store this run opened (once). */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (store != null && owned) {
            store.close();
        }
    }
}
