package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.RemoteMatch.GroupMember;
import io.polyhook.spi.SharedSubscriptionPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The four shared_subscription_policy values across nodes, as VerneMQ documents them. */
class SharedGroupChoiceTest {

    /**
     * {@code remote}: other nodes' members as {@code node:online|offline} separated by spaces;
     * the random choice always takes the first candidate. {@code chosen}: LOCAL, a node, or NONE.
     */
    @ParameterizedTest(name = "{0}, local members {1} (online {2}), remote [{3}] -> {4}")
    @CsvSource({
            "PREFER_LOCAL,               true,  false, n2:online,             LOCAL",
            "PREFER_LOCAL,               false, false, n2:offline n3:online,  n3",
            "PREFER_LOCAL,               false, false, n2:offline,            n2",
            "PREFER_LOCAL,               false, false, '',                    NONE",
            "LOCAL_ONLY,                 false, false, n2:online,             NONE",
            "LOCAL_ONLY,                 true,  false, n2:online,             LOCAL",
            "PREFER_ONLINE_BEFORE_LOCAL, true,  false, n2:online,             n2",
            "PREFER_ONLINE_BEFORE_LOCAL, true,  true,  n2:online,             LOCAL",
            "PREFER_ONLINE_BEFORE_LOCAL, true,  false, n2:offline,            LOCAL",
            "PREFER_ONLINE_BEFORE_LOCAL, false, false, n2:offline,            n2",
            "RANDOM,                     true,  false, n2:online,             n2",
            "RANDOM,                     true,  true,  n2:online,             LOCAL",
            "RANDOM,                     true,  false, n2:offline,            LOCAL",
            "RANDOM,                     false, false, n2:offline n3:offline, n2",
    })
    void choosesTheNodeByPolicy(SharedSubscriptionPolicy policy, boolean localMembers, boolean localOnline,
                                String remote, String chosen) {
        List<GroupMember> members = new ArrayList<>();
        for (String m : remote.trim().split(" +")) {
            if (!m.isEmpty()) {
                String[] parts = m.split(":");
                members.add(new GroupMember(parts[0], parts[1].equals("online")));
            }
        }
        String node = SharedGroupChoice.choose(policy, localMembers, localOnline, members, bound -> 0);
        String expected = switch (chosen) {
            case "LOCAL" -> SharedGroupChoice.LOCAL;
            case "NONE" -> null;
            default -> chosen;
        };
        assertThat(node).isEqualTo(expected);
    }

    @ParameterizedTest(name = "random takes any of {0} candidates")
    @CsvSource({"0, ''", "1, n2", "2, n3"})
    void randomSpreadsOverLocalAndOnlineNodesAlike(int pick, String node) {
        List<GroupMember> members = List.of(new GroupMember("n2", true), new GroupMember("n3", true));
        assertThat(SharedGroupChoice.choose(SharedSubscriptionPolicy.RANDOM, true, true, members, bound -> pick))
                .isEqualTo(node);
    }
}
