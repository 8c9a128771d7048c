package io.polyhook.core.hook.internal;

/**
 * The ordered lanes of one client: one for its chain calls, one for its notifications. Calls on
 * a lane run one at a time, in submission order, on virtual threads; the two lanes are
 * independent, so a slow notification handler never delays the client's next chain call.
 *
 * <p>The broker creates one lane per connection with {@link HookDispatcher#newLane(String)} and
 * passes it with every call for that client. An idle lane holds no thread, apart from a parked
 * one for a bounded time after its last call ({@link DispatchSettings#lingerRounds()}).
 */
public final class ClientLane {

    final SerialLane chains;
    final SerialLane notifications;
    private final String label;

    ClientLane(HookDispatcher dispatcher, String label) {
        this.label = label;
        this.chains = new SerialLane(dispatcher, this);
        this.notifications = new SerialLane(dispatcher, this);
    }

    /** What logs call this client (its client id). */
    public String label() {
        return label;
    }

    /** Whether neither lane has a call queued or running. */
    public boolean isIdle() {
        return chains.isIdle() && notifications.isIdle();
    }

    @Override
    public String toString() {
        return "ClientLane[" + label + "]";
    }
}
