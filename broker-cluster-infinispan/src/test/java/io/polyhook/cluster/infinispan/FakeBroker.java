package io.polyhook.cluster.infinispan;

import io.polyhook.broker.cluster.Claim;
import io.polyhook.broker.cluster.SessionState;
import io.polyhook.broker.cluster.TakeoverHandler;
import io.polyhook.spi.SubscriberId;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a broker does with the takeover calls: its sessions in a map, its closes in a list. */
final class FakeBroker implements TakeoverHandler {

    /** A connection closed because another node took the session: MQTT 5 reason 0x8E. */
    record Closed(SubscriberId id, int reasonCode, Claim by) {
    }

    final Map<SubscriberId, SessionState> sessions = new ConcurrentHashMap<>();
    final List<Closed> closed = new CopyOnWriteArrayList<>();
    final Map<SubscriberId, Claim> adopted = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Optional<SessionState>> surrender(SubscriberId id, Claim newOwner, boolean cleanStart) {
        SessionState state = sessions.remove(id);
        if (state != null) {
            closed.add(new Closed(id, 0x8E, newOwner));
        }
        return CompletableFuture.completedFuture(cleanStart ? Optional.empty() : Optional.ofNullable(state));
    }

    @Override
    public CompletionStage<Void> adopt(Claim claim, SessionState state) {
        sessions.put(claim.id(), state);
        adopted.put(claim.id(), claim);
        return CompletableFuture.completedFuture(null);
    }
}
