package io.polyhook.broker.session;

/**
 * Tells a session that moved here recently whether the message being delivered to it on this
 * thread reached it already. For a while after a move a message may come two ways (by this
 * node's route, and forwarded by the previous owner); both copies carry the message's identity
 * in the cluster, and the check lets one of them through.
 */
@FunctionalInterface
public interface RepeatCheck {

    /** Whether the message now delivered on this thread reached the session already (drop it then). */
    boolean repeated();
}
