package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.cluster.ClusterView;
import io.polyhook.broker.cluster.NetsplitState;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.PartitionStatusChanged;
import org.infinispan.notifications.cachelistener.event.PartitionStatusChangedEvent;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Keeps the owner cache usable on the side that holds the majority of the known nodes. With
 * {@code allow_register_during_netsplit: false} the cache denies reads and writes when Infinispan
 * judges its side a minority (DENY_READ_WRITES); Infinispan judges by the cache's last stable
 * topology, which lags the view while a node joins. A node that crashes during a join leaves
 * the others DEGRADED although they are the majority, and a degraded cache never becomes
 * available by itself: the crashed node returns as a new member, and joiners wait for an
 * available cache. Every CONNECT would be refused until an operator stepped in.
 *
 * <p>The broker's rule is the view's ({@link NetsplitState}: REGISTER is refused on a minority
 * side, so a client id is never handed out on both sides). So where the view, read afresh, says
 * this side is whole or the majority, the coordinator sets the cache available again; every node
 * then puts back the owner entries of the claims it holds that the cache may have lost (when
 * every copy of some entries was on nodes that are gone).
 */
public final class OwnerAvailability {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerAvailability.class);

    private final AdvancedCache<String, String> owners;
    private final NodeDirectory directory;
    private final ExecutorService workers;
    private final Runnable restored;
    private final Object watcher = new Watcher();

    /**
     * Watches {@code owners}, judged by {@code directory}; blocking calls on {@code workers};
     * {@code restored} runs on every node once the cache is available again.
     */
    public OwnerAvailability(Cache<String, String> owners, NodeDirectory directory, ExecutorService workers,
                             Runnable restored) {
        this.owners = owners.getAdvancedCache();
        this.directory = directory;
        this.workers = workers;
        this.restored = restored;
    }

    /** Starts following the cache's availability, and checks it once. */
    public void start() {
        owners.addListener(watcher);
        check();
    }

    /** Checks now, off the caller's thread: after a view change, and periodically as the retry. */
    public void check() {
        if (owners.getAvailability() == AvailabilityMode.AVAILABLE) {
            return;
        }
        run(this::restoreOnMajority);
    }

    private void restoreOnMajority() {
        if (owners.getAvailability() == AvailabilityMode.AVAILABLE) {
            return;
        }
        ClusterView view = directory.viewNow();
        if (view.netsplit() == NetsplitState.MINORITY || !directory.isCoordinator()) {
            return;
        }
        LOG.warn("the owner cache is {} although this side has {} of the {} known nodes (missing {}): making it"
                        + " available again", owners.getAvailability(), view.members().size(),
                view.members().size() + view.missing().size(), view.missing());
        try {
            owners.setAvailability(AvailabilityMode.AVAILABLE);
        } catch (RuntimeException e) {
            LOG.warn("making the owner cache available failed (tried again at the next check): {}", e.toString());
        }
    }

    private void run(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            // The node is stopping.
        }
    }

    /** Hands availability changes to the workers: the listener runs on Infinispan's thread. */
    @Listener
    public final class Watcher {

        @PartitionStatusChanged
        public void changed(PartitionStatusChangedEvent<String, String> e) {
            if (e.isPre()) {
                return;
            }
            if (e.getAvailabilityMode() == AvailabilityMode.AVAILABLE) {
                run(restored);
            } else {
                LOG.info("the owner cache is {} now", e.getAvailabilityMode());
                run(OwnerAvailability.this::restoreOnMajority);
            }
        }
    }
}
