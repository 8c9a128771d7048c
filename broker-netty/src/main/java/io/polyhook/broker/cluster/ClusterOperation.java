package io.polyhook.broker.cluster;

import io.polyhook.broker.config.ClusterSettings;

/** What a client asks for that a netsplit may refuse ({@link #allowedIn}). */
public enum ClusterOperation {
    /** CONNECT: claiming a client id. */
    REGISTER,
    /** SUBSCRIBE and UNSUBSCRIBE. */
    SUBSCRIBE,
    /** PUBLISH. */
    PUBLISH;

    /** Whether this operation may go ahead in {@code view}, by the three {@code allow_*_during_netsplit} keys. */
    public boolean allowedIn(ClusterView view, ClusterSettings settings) {
        return switch (this) {
            // Registration needs the majority: only one side of a split can then hand out a client id.
            case REGISTER -> settings.allowRegisterDuringNetsplit() || view.netsplit() != NetsplitState.MINORITY;
            case SUBSCRIBE -> settings.allowSubscribeDuringNetsplit() || view.netsplit() == NetsplitState.NONE;
            case PUBLISH -> settings.allowPublishDuringNetsplit() || view.netsplit() == NetsplitState.NONE;
        };
    }
}
