package io.polyhook.cluster.infinispan.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A barrier with each peer over the data plane, for a clean leave. A peer answers once its event
 * thread has run everything queued on it before the request came (the route changes it had
 * received by then are in its route trie), and it answers on its link to this node, behind
 * everything it sent here before: when the answer arrives, the deliveries it sent earlier have
 * been handled here. The request goes behind what this node sent the peer before, so the answer
 * also says that the peer has handled that.
 */
public final class PeerBarrier {

    static final int OP_BARRIER = 7;

    private final NettyDataPlane plane;

    /** Answers the peers' barriers once {@code events} (the thread that applies route changes) has caught up. */
    public PeerBarrier(NettyDataPlane plane, Executor events) {
        this.plane = plane;
        plane.onRequest(OP_BARRIER, (from, body) -> CompletableFuture.supplyAsync(() -> new byte[0], events));
    }

    /** Passes a barrier with each of {@code peers} at once; returns those that did not answer within {@code timeout}. */
    public List<String> pass(Collection<String> peers, Duration timeout) throws InterruptedException {
        Map<String, CompletableFuture<byte[]>> asked = new LinkedHashMap<>();
        for (String peer : peers) {
            asked.put(peer, plane.request(peer, OP_BARRIER, new byte[0], timeout));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> late = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<byte[]>> e : asked.entrySet()) {
            try {
                e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException x) {
                late.add(e.getKey());
            }
        }
        return late;
    }
}
