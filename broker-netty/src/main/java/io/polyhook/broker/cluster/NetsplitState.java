package io.polyhook.broker.cluster;

/**
 * Whether the cluster is whole, seen from one node. A node that is gone without leaving cleanly
 * (crashed, or behind a split: nobody can tell the two apart) counts as missing until it comes
 * back or an operator forgets it ({@link Membership#forget}).
 */
public enum NetsplitState {
    /** Every known member is in the view. */
    NONE,
    /** Members are missing, and this side holds more than half of the known members. */
    MAJORITY,
    /** Members are missing, and this side holds half of the known members or fewer. */
    MINORITY
}
