package io.polyhook.provider.authcache;

/**
 * The ACLs of one insert for one client: what the cache answers with while it is the client's
 * newest entry. Immutable.
 */
final class CachedAcls {

    private final String username;
    private final PublishAcl[] publish;
    private final SubscribeAcl[] subscribe;
    private final long expiresAt;

    /**
     * @param expiresAt the ticker time at which this entry expires, or {@link Long#MAX_VALUE}
     */
    CachedAcls(String username, PublishAcl[] publish, SubscribeAcl[] subscribe, long expiresAt) {
        this.username = username;
        this.publish = publish;
        this.subscribe = subscribe;
        this.expiresAt = expiresAt;
    }

    String username() {
        return username;
    }

    long expiresAt() {
        return expiresAt;
    }

    PublishAcl[] publish() {
        return publish;
    }

    SubscribeAcl[] subscribe() {
        return subscribe;
    }

    /** The first publish ACL, in insertion order, that grants the publish; {@code null} if none does. */
    PublishAcl publishAcl(String topic, int qos, int payloadSize, boolean retain) {
        for (PublishAcl acl : publish) {
            if (acl.grants(topic, qos, payloadSize, retain)) {
                return acl;
            }
        }
        return null;
    }

    /** The first subscribe ACL, in insertion order, that grants the filter; {@code null} if none does. */
    SubscribeAcl subscribeAcl(String filter, int qos) {
        for (SubscribeAcl acl : subscribe) {
            if (acl.grants(filter, qos)) {
                return acl;
            }
        }
        return null;
    }
}
