package io.polyhook.broker;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterFactory;
import io.polyhook.broker.cluster.StandaloneCluster;
import io.polyhook.broker.config.ClusterSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * This node's join of its cluster, on a thread of its own beside the rest of the start (store,
 * injector, plugins), so that a node listens after about the longer of the two rather than their
 * sum. The start waits for it ({@link #await}) before anything that needs the joined cluster;
 * a start that fails before then {@link #close closes} it, so that nothing of it is left running.
 * With {@code cluster.enabled: false} there is nothing to join and no thread.
 */
final class ClusterJoin {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterJoin.class);

    /** Who closes the joined cluster. */
    private enum Owner {
        /** This join: a start that fails closes it through {@link #close}. */
        JOIN,
        /** The broker's cluster bridge, since {@link #handOver}. */
        BRIDGE,
        /** Nobody any more: {@link #close} has run. */
        CLOSED
    }

    private final String node;
    private final CompletableFuture<Cluster> joined;
    private final Thread thread; // null: nothing to join
    private Owner owner = Owner.JOIN;

    private ClusterJoin(String node, CompletableFuture<Cluster> joined, Thread thread) {
        this.node = node;
        this.joined = joined;
        this.thread = thread;
    }

    /**
     * Starts joining the cluster of {@code settings} with {@code factory} (null: the engine on the
     * class path). Without an engine on the class path it fails now, as before, with one line.
     */
    static ClusterJoin begin(ClusterSettings settings, ClusterFactory factory) {
        if (!settings.enabled()) {
            return new ClusterJoin(settings.nodeName(), CompletableFuture.completedFuture(new StandaloneCluster(settings)),
                    null);
        }
        ClusterFactory engine = factory != null ? factory : ClusterFactory.onClassPath();
        CompletableFuture<Cluster> joined = new CompletableFuture<>();
        // A platform thread: Infinispan's start loads hundreds of classes and blocks on the network.
        Thread thread = Thread.ofPlatform().name("polyhook-cluster-join").daemon(true).unstarted(() -> {
            try {
                joined.complete(engine.start(settings));
            } catch (Throwable e) {
                joined.completeExceptionally(e);
            }
        });
        thread.start();
        return new ClusterJoin(settings.nodeName(), joined, thread);
    }

    /**
     * Waits for the join and answers the joined cluster; a join that failed throws what it threw
     * (the one line saying why this node cannot join), as the start did when it joined first.
     */
    Cluster await() {
        try {
            return joined.join();
        } catch (CompletionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** {@link #await}, and from now on the caller (the cluster bridge) leaves the cluster, not {@link #close}. */
    synchronized Cluster handOver() {
        Cluster cluster = await();
        if (owner == Owner.JOIN) {
            owner = Owner.BRIDGE;
        }
        return cluster;
    }

    /**
     * For a start that failed: waits until the join has ended and its thread is gone, then leaves
     * the cluster it joined (unless it was handed over). A join that failed has closed what it
     * opened itself. Closing twice does nothing.
     *
     * <p>The join is not interrupted: neither JGroups nor Infinispan promises to stop cleanly when
     * interrupted in the middle of a start (threads and the bound port could stay). It ends by
     * itself, within its own timeouts, which the start waited for anyway when it joined first.
     */
    synchronized void close() {
        if (owner == Owner.CLOSED) {
            return;
        }
        if (thread != null && thread.isAlive()) {
            LOG.info("the start failed while node {} was joining its cluster: it leaves the cluster once the join has"
                    + " ended", node);
        }
        Cluster cluster = null;
        try {
            cluster = joined.join();
        } catch (CompletionException | CancellationException e) {
            // Nothing to leave: a join that failed has closed what it opened itself.
        }
        awaitThreadEnd();
        if (cluster != null && owner == Owner.JOIN) {
            cluster.close();
        }
        owner = Owner.CLOSED;
    }

    private void awaitThreadEnd() {
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(cause.getMessage(), cause);
    }
}
