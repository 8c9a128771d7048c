package io.polyhook.broker.cluster;

import io.polyhook.broker.routing.Message;
import io.polyhook.spi.SubscriberId;

import java.util.Objects;

/**
 * A message that reached a session's previous owner after the session moved (routes travel
 * asynchronously, so other nodes may still route to it for a moment), forwarded to the new owner
 * for that one session.
 *
 * @param id      the message's identity (kept from where it came from), so a copy that also came
 *                by a route can be told apart
 * @param client  the session it is for
 * @param message the message as that session's subscription gets it
 */
public record ForwardedMessage(MessageId id, SubscriberId client, Message message) {

    /** Checks every part is present. */
    public ForwardedMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(message, "message");
    }
}
