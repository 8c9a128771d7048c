package io.polyhook.broker.cluster;

/** What a client asks for that a netsplit may refuse ({@link ClusterSettings#allows}). */
public enum ClusterOperation {
    /** CONNECT: claiming a client id. */
    REGISTER,
    /** SUBSCRIBE and UNSUBSCRIBE. */
    SUBSCRIBE,
    /** PUBLISH. */
    PUBLISH
}
