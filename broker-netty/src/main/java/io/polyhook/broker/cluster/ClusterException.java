package io.polyhook.broker.cluster;

/** A cluster operation that could not be done; {@link #reason()} says why, the message says where. */
public final class ClusterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an operation failed. */
    public enum Reason {
        /** This node is on the minority side of a split (or the cluster's state is not available here). */
        UNAVAILABLE,
        /** The claim used is no longer the current owner: a newer epoch took the client id. */
        STALE_CLAIM,
        /** The other node did not answer in time. */
        TIMEOUT,
        /** The other node is not in the view, or the link to it is full or closed. */
        UNREACHABLE,
        /** The other node answered with a failure. */
        REFUSED
    }

    private final Reason reason;

    /** A failure for {@code reason}, described by {@code message} (no secrets, no payloads). */
    public ClusterException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why it failed. */
    public Reason reason() {
        return reason;
    }
}
