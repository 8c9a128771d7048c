package io.polyhook.broker.cluster;

import io.polyhook.broker.routing.Message;

import java.util.List;
import java.util.Objects;

/**
 * A message on its way to (or coming from) another node.
 *
 * @param id          its identity in the cluster
 * @param mountpoint  the mountpoint it was published in
 * @param message     the message as published (QoS, retain flag and properties unchanged)
 * @param subscribers whether the receiving node delivers it to its plain subscribers that match
 * @param groups      the shared groups ({@code $share/<group>/<filter>}) of which the receiving node delivers
 *                    it to one local member: the sender chose this node for them
 */
public record RemoteDelivery(MessageId id, String mountpoint, Message message, boolean subscribers,
                             List<String> groups) {

    /** Checks every part is present; copies the groups. */
    public RemoteDelivery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(message, "message");
        groups = List.copyOf(groups);
    }
}
