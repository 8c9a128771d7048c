package io.polyhook.cluster.infinispan;

import java.time.Duration;
import java.util.Objects;

/**
 * Timings and bounds that are not in the config contract: the defaults suit a LAN; tests take
 * shorter timings to detect a crash and to heal a split within seconds.
 *
 * @param failureDetection  how long a silent node has before it is suspected (JGroups FD_ALL3 timeout)
 * @param mergeInterval     how often split sub-clusters look for each other (JGroups MERGE3, at most)
 * @param reconcileInterval how often each node checks that the cluster holds exactly its own routes and owner entries
 * @param requestTimeout    how long a takeover, hand-over or command waits for the other node
 * @param peerQueueBytes    how many bytes of messages may wait for one peer before sends are refused
 * @param faultInjection    put JGroups' DISCARD in the stack, so tests can cut this node off ({@link InfinispanCluster#faults})
 */
public record ClusterTuning(Duration failureDetection, Duration mergeInterval, Duration reconcileInterval,
                            Duration requestTimeout, long peerQueueBytes, boolean faultInjection) {

    /** For a LAN: a silent node is suspected after 10 s; splits heal within 30 s. */
    public static final ClusterTuning DEFAULT = new ClusterTuning(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofSeconds(10), 64L << 20, false);

    /** Checks every part is present and positive. */
    public ClusterTuning {
        Objects.requireNonNull(failureDetection, "failureDetection");
        Objects.requireNonNull(mergeInterval, "mergeInterval");
        Objects.requireNonNull(reconcileInterval, "reconcileInterval");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (peerQueueBytes <= 0) {
            throw new IllegalArgumentException("peerQueueBytes must be positive");
        }
    }

    /** This tuning with DISCARD in the stack. */
    public ClusterTuning withFaultInjection() {
        return new ClusterTuning(failureDetection, mergeInterval, reconcileInterval, requestTimeout, peerQueueBytes, true);
    }
}
