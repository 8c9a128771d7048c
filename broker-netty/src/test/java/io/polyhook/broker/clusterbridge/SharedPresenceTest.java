package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.RemoteMatch;
import io.polyhook.broker.cluster.RouteTable;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the route table hears of a node's shared-group members coming and going. */
class SharedPresenceTest {

    private static final String GROUP = "$share/g/work";

    /** Every change the route table was told, in order. */
    private final List<String> told = new ArrayList<>();
    private final Set<SubscriberId> connected = new HashSet<>();
    private final RouteTable routes = new RouteTable() {
        @Override
        public void add(String mountpoint, String filter, boolean online) {
            told.add("add " + filter + (online ? " online" : " offline"));
        }

        @Override
        public void remove(String mountpoint, String filter, boolean online) {
            told.add("remove " + filter + (online ? " online" : " offline"));
        }

        @Override
        public void online(String mountpoint, String filter, boolean online) {
            told.add(filter + (online ? " online" : " offline"));
        }

        @Override
        public RemoteMatch match(String mountpoint, String topic) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, List<Route>> snapshot() {
            return Map.of();
        }
    };

    private SharedPresence presence() {
        // A long interval: the sweeps below are the test's own.
        return new SharedPresence(routes, connected::contains, Duration.ofHours(1));
    }

    @Test
    void aConnectedMembersSubscriptionIsOneChangeThatSaysOnline() {
        SubscriberId a = new SubscriberId("", "a");
        connected.add(a);
        try (SharedPresence p = presence()) {
            p.added("", a, GROUP);
        }
        assertThat(told).containsExactly("add " + GROUP + " online");
    }

    @Test
    void aMemberThatGoesOfflineIsReportedByTheNextSweepOnce() {
        SubscriberId a = new SubscriberId("", "a");
        connected.add(a);
        try (SharedPresence p = presence()) {
            p.added("", a, GROUP);
            connected.remove(a);
            p.sweep();
            p.sweep();
        }
        assertThat(told).containsExactly("add " + GROUP + " online", GROUP + " offline");
    }

    @Test
    void aSecondMemberOfAnOnlineGroupAddsASubscriptionWithoutAnotherOnline() {
        SubscriberId a = new SubscriberId("", "a");
        SubscriberId b = new SubscriberId("", "b");
        connected.add(a);
        connected.add(b);
        try (SharedPresence p = presence()) {
            p.added("", a, GROUP);
            p.added("", b, GROUP);
        }
        assertThat(told).containsExactly("add " + GROUP + " online", "add " + GROUP + " offline");
    }
}
