package io.polyhook.testing;

import io.polyhook.spi.BrokerActions;
import io.polyhook.spi.Publication;
import io.polyhook.spi.SubscriberId;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link BrokerActions} a plugin gets from a {@link PluginHarness}: it does nothing but record
 * what the plugin asked for, in order, for the test to read.
 */
public final class RecordingBroker implements BrokerActions {

    /**
     * A disconnect the plugin asked for.
     *
     * @param client         the client
     * @param discardSession whether its session was to be discarded
     */
    public record Disconnect(SubscriberId client, boolean discardSession) {
    }

    /**
     * A re-authorization the plugin asked for.
     *
     * @param client   the client
     * @param username the user name to authorize as, if given
     */
    public record Reauthorization(SubscriberId client, Optional<String> username) {
    }

    private final List<Publication> published = new CopyOnWriteArrayList<>();
    private final List<Disconnect> disconnects = new CopyOnWriteArrayList<>();
    private final List<Reauthorization> reauthorizations = new CopyOnWriteArrayList<>();
    private volatile boolean clientsFound = true;

    @Override
    public void publish(Publication message) {
        published.add(message);
    }

    @Override
    public boolean disconnect(SubscriberId client, boolean discardSession) {
        disconnects.add(new Disconnect(client, discardSession));
        return clientsFound;
    }

    @Override
    public void reauthorizeSubscriptions(SubscriberId client, Optional<String> username) {
        reauthorizations.add(new Reauthorization(client, username));
    }

    /** What {@link #disconnect} answers: whether the client was found (true by default). */
    public void clientsFound(boolean value) {
        clientsFound = value;
    }

    /** The messages the plugin published, in order. */
    public List<Publication> published() {
        return List.copyOf(published);
    }

    /** The disconnects the plugin asked for, in order. */
    public List<Disconnect> disconnects() {
        return List.copyOf(disconnects);
    }

    /** The re-authorizations the plugin asked for, in order. */
    public List<Reauthorization> reauthorizations() {
        return List.copyOf(reauthorizations);
    }
}
