package io.polyhook.broker.session;

import io.polyhook.broker.routing.DeliveryTarget;
import io.polyhook.broker.routing.Message;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A connection as the session layer sees it, for tests: what reaches it is recorded (delivered
 * messages, and what a connection it took over handed on); being taken over, kicked or shut down
 * does nothing.
 */
public final class RecordingConnection implements ClientConnection, DeliveryTarget {

    /** Messages delivered to it, and those a taken-over connection never sent, in arrival order. */
    public final List<Message> delivered = new CopyOnWriteArrayList<>();
    /** The unacknowledged messages a taken-over connection handed on. */
    public final List<InFlight> resent = new CopyOnWriteArrayList<>();

    @Override
    public DeliveryTarget outbound() {
        return this;
    }

    @Override
    public void deliver(Message message) {
        delivered.add(message);
    }

    @Override
    public void takenOver() {
    }

    @Override
    public void kick(boolean sessionDiscarded) {
    }

    @Override
    public void shutdown() {
    }

    @Override
    public void resendTakenOver(List<InFlight> entries, List<Message> pending) {
        resent.addAll(entries);
        delivered.addAll(pending);
    }
}
