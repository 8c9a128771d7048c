package io.polyhook.cluster.infinispan.internal;

import io.polyhook.broker.cluster.Owner;

/** An owner entry's value, {@code "<epoch>:<node>"}: a string, so conditional replaces compare by content. */
final class OwnerValue {

    private OwnerValue() {
    }

    static String encode(Owner o) {
        return o.epoch() + ":" + o.node();
    }

    static Owner decode(String v) {
        int colon = v.indexOf(':');
        return new Owner(v.substring(colon + 1), Long.parseLong(v, 0, colon, 10));
    }
}
