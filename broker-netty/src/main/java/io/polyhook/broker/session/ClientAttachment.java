package io.polyhook.broker.session;

import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;

import java.util.Objects;
import java.util.Optional;

/**
 * What an admitted client brings to its session.
 *
 * @param id            its identity (after the register hook's rewrite)
 * @param cleanStart    start afresh rather than resume
 * @param expirySeconds the session expiry interval, 0 for a session that ends with the connection
 * @param lane          the client's hook lane
 * @param version       its protocol version
 * @param queuePolicy   how its messages are queued (register modifiers)
 * @param username      the user name it connected with, for re-authorizing its subscriptions
 * @param maySubscribe  {@code allow_subscribe} of its register hook
 */
public record ClientAttachment(SubscriberId id, boolean cleanStart, long expirySeconds, ClientLane lane,
                               MqttVersion version, QueuePolicy queuePolicy, Optional<String> username,
                               boolean maySubscribe) {

    /** Checks the parts are present. */
    public ClientAttachment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(queuePolicy, "queuePolicy");
        Objects.requireNonNull(username, "username");
    }
}
