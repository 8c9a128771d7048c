package io.polyhook.broker.plugins;

import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.spi.BrokerActions;
import io.polyhook.spi.Publication;
import io.polyhook.spi.SubscriberId;

import java.util.Objects;
import java.util.Optional;

/**
 * The broker's actions over its sessions: what Java plugins get as
 * {@link io.polyhook.spi.PluginContext#broker()} and what the {@code vmq_api} library of scripts
 * calls, so both go through one piece of broker code.
 */
public final class SessionActions implements BrokerActions {

    private final SessionRegistry sessions;

    /** Actions on {@code sessions}. */
    public SessionActions(SessionRegistry sessions) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    @Override
    public void publish(Publication message) {
        sessions.router().publish(message.mountpoint(), Message.of(message.topic(), message.qos(), message.payload(),
                message.retain(), message.properties(), null));
    }

    @Override
    public boolean disconnect(SubscriberId client, boolean discardSession) {
        // Here first; in a cluster the node that holds the client does it (at most one does).
        return sessions.disconnectClient(client, discardSession)
                || sessions.cluster().disconnectElsewhere(client, discardSession);
    }

    @Override
    public void reauthorizeSubscriptions(SubscriberId client, Optional<String> username) {
        sessions.subscriptionsMayHaveChanged(client, username);
        sessions.cluster().reauthorizeElsewhere(client, username);
    }
}
