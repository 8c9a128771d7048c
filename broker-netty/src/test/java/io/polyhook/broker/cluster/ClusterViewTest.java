package io.polyhook.broker.cluster;

import io.polyhook.broker.config.ClusterSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterViewTest {

    @ParameterizedTest(name = "{0} present, {1} missing: {2}")
    @CsvSource({
            "1, 0, NONE",
            "3, 0, NONE",
            "2, 1, MAJORITY",
            "1, 2, MINORITY",
            "1, 1, MINORITY",   // two nodes split in halves: neither side may register
            "2, 2, MINORITY",
            "3, 2, MAJORITY",
    })
    void aSideIsAMajorityWithMoreThanHalfOfTheKnownNodes(int present, int missing, NetsplitState expected) {
        assertThat(ClusterView.stateOf(present, missing)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} in {1}, allow register/subscribe/publish {2}/{3}/{4}: {5}")
    @CsvSource({
            // The defaults: register only with a majority, subscribe and publish always.
            "REGISTER,  NONE,     false, true,  true,  true",
            "REGISTER,  MAJORITY, false, true,  true,  true",
            "REGISTER,  MINORITY, false, true,  true,  false",
            "SUBSCRIBE, MINORITY, false, true,  true,  true",
            "PUBLISH,   MINORITY, false, true,  true,  true",
            // Everything allowed: a minority side keeps serving (VerneMQ's trade_consistency = on).
            "REGISTER,  MINORITY, true,  true,  true,  true",
            // Subscribe and publish refused: only while the cluster is whole, on either side.
            "SUBSCRIBE, NONE,     false, false, false, true",
            "SUBSCRIBE, MAJORITY, false, false, false, false",
            "PUBLISH,   MAJORITY, false, false, false, false",
            "PUBLISH,   NONE,     false, false, false, true",
    })
    void theNetsplitKeysDecideWhatASideServes(ClusterOperation op, NetsplitState state, boolean register,
                                               boolean subscribe, boolean publish, boolean allowed) {
        ClusterSettings s = new ClusterSettings(true, "n1", ClusterSettings.DEFAULT.bind(), List.of(),
                ClusterSettings.DEFAULT.dataPlane(), register, subscribe, publish);
        ClusterView view = new ClusterView("n1", List.of("n1"), state == NetsplitState.NONE ? Set.of() : Set.of("n2"),
                state, 3);
        assertThat(op.allowedIn(view, s)).isEqualTo(allowed);
    }
}
