package io.polyhook.broker.routing;

import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriptionTreeTest {

    private static final SubscriberId A = new SubscriberId("", "a");
    private static final SubscriberId B = new SubscriberId("", "b");

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    // A line starting with # is a comment in a CSV text block, hence the quotes around '#'.
    @CsvSource(textBlock = """
            a/b/c,      a/b/c,      true
            a/b/c,      a/b,        false
            a/b,        a/b/c,      false
            a/+/c,      a/b/c,      true
            a/+/c,      a/b/d,      false
            a/+,        a/b/c,      false
            +/+/+,      a/b/c,      true
            +,          a,          true
            +,          a/b,        false
            a/#,        a/b/c,      true
            a/#,        a,          true
            '#',        a/b/c,      true
            '#',        /,          true
            +/b,        /b,         true
            /+,         /b,         true
            a//c,       a//c,       true
            a/+/c,      a//c,       true
            a/+,        a/,         true
            a,          a/,         false
            a/,         a,          false
            a/#,        a/,         true
            +/+,        /,          true
            /,          /,          true
            +,          /,          false
            '#',        $SYS/x,     false
            +/x,        $SYS/x,     false
            $SYS/#,     $SYS/x,     true
            $SYS/+,     $SYS/x,     true
            a/$x,       a/$x,       true
            +/$x,       a/$x,       true
            A/b,        a/b,        false
            """)
    void matchesLikeTheSpecification(String filter, String topic, boolean expected) {
        SubscriptionTree tree = new SubscriptionTree();
        tree.subscribe("", A, TopicSubscription.of(filter, 1));
        assertThat(tree.match("", topic).containsKey(A)).isEqualTo(expected);
        assertThat(SubscriptionTree.matches(filter, topic)).isEqualTo(expected);
    }

    @Test
    void subscriberWithOverlappingFiltersAppearsOnceWithTheHighestQos() {
        SubscriptionTree tree = new SubscriptionTree();
        tree.subscribe("", A, TopicSubscription.of("a/#", 0));
        tree.subscribe("", A, TopicSubscription.of("a/+", 2));
        tree.subscribe("", B, TopicSubscription.of("a/b", 1));
        var m = tree.match("", "a/b");
        assertThat(m).hasSize(2);
        assertThat(m.get(A).qos()).isEqualTo(2);
        assertThat(m.get(B).qos()).isEqualTo(1);
    }

    @Test
    void mountpointsAreIsolated() {
        SubscriptionTree tree = new SubscriptionTree();
        tree.subscribe("site1", A, TopicSubscription.of("#", 0));
        assertThat(tree.match("", "x")).isEmpty();
        assertThat(tree.match("site1", "x")).containsKey(A);
    }

    @Test
    void unsubscribeRemovesAndPrunes() {
        SubscriptionTree tree = new SubscriptionTree();
        assertThat(tree.subscribe("", A, TopicSubscription.of("a/b/c", 0))).isTrue();
        assertThat(tree.subscribe("", A, TopicSubscription.of("a/b/c", 1))).isFalse();
        assertThat(tree.size("")).isEqualTo(1);
        assertThat(tree.unsubscribe("", A, "a/b/c")).isTrue();
        assertThat(tree.unsubscribe("", A, "a/b/c")).isFalse();
        assertThat(tree.size("")).isZero();
        assertThat(tree.match("", "a/b/c")).isEmpty();
    }

    private static TopicSubscription sub(String filter) {
        return new TopicSubscription(filter, 1, io.polyhook.spi.SubscriptionOptions.DEFAULT);
    }

    @Test
    void sharedSubscriptionsMatchAsAGroupAndNotAsPlainSubscribers() {
        SubscriptionTree tree = new SubscriptionTree();
        tree.subscribe("", A, sub("$share/g/jobs/+"));
        tree.subscribe("", B, sub("$share/g/jobs/+"));
        tree.subscribe("", B, sub("$share/h/jobs/#"));
        SubscriptionTree.Matches m = tree.matchAll("", "jobs/1");
        assertThat(m.subscribers()).isEmpty();
        assertThat(m.shared()).containsOnlyKeys("$share/g/jobs/+", "$share/h/jobs/#");
        assertThat(m.shared().get("$share/g/jobs/+")).containsOnlyKeys(A, B);
        assertThat(tree.match("", "jobs/1")).isEmpty();
        assertThat(tree.totalSize()).isEqualTo(3);
    }

    @Test
    void unsubscribingFromASharedGroupLeavesOnlyThatGroup() {
        SubscriptionTree tree = new SubscriptionTree();
        tree.subscribe("", A, sub("$share/g/t"));
        tree.subscribe("", A, sub("t"));
        assertThat(tree.unsubscribe("", A, "$share/g/t")).isTrue();
        assertThat(tree.matchAll("", "t").shared()).isEmpty();
        assertThat(tree.matchAll("", "t").subscribers()).containsOnlyKeys(A);
        assertThat(tree.totalSize()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} valid shared filter: {1}")
    @CsvSource(textBlock = """
            $share/g/a/b,   true
            $share/g/'#',   true
            $share/g/+,     true
            $share//a,      false
            $share/g,       false
            $share/g/,      false
            $share/g+/a,    false
            $share/g/a/#/b, false
            a/b,            false
            """)
    void sharedFiltersNeedAGroupAndAValidFilter(String filter, boolean valid) {
        assertThat(SubscriptionTree.sharedParts(filter.replace("'", "")).isPresent()).isEqualTo(valid);
    }

    private static TopicSubscription withId(String filter, int qos, int id, boolean noLocal) {
        return new TopicSubscription(filter, qos, new io.polyhook.spi.SubscriptionOptions(false, noLocal,
                io.polyhook.spi.RetainHandling.SEND_RETAIN, java.util.OptionalInt.of(id)));
    }

    @Test
    void overlappingFiltersGiveOneCopyWithEverySubscriptionIdentifier() {
        SubscriptionTree tree = new SubscriptionTree();
        tree.subscribe("", A, withId("a/b", 1, 2, false));
        tree.subscribe("", A, withId("a/#", 2, 3, false));
        tree.subscribe("", A, withId("+/b", 0, 4, false));
        tree.subscribe("", B, withId("a/b", 1, 9, false));
        SubscriptionTree.Matches m = tree.matchAll("", "a/b");
        assertThat(m.subscribers().get(A).qos()).isEqualTo(2);
        assertThat(m.subscriptionIdsOf(A, m.subscribers().get(A))).containsExactlyInAnyOrder(2, 3, 4);
        assertThat(m.subscriptionIdsOf(B, m.subscribers().get(B))).containsExactly(9);
    }

    @Test
    void overlappingFiltersAreNoLocalOnlyIfAllOfThemAre() {
        SubscriptionTree tree = new SubscriptionTree();
        tree.subscribe("", A, withId("a/b", 2, 1, true));
        tree.subscribe("", A, withId("a/#", 1, 2, false));
        assertThat(tree.match("", "a/b").get(A).options().noLocal()).isFalse();
        assertThat(tree.match("", "a/b").get(A).qos()).isEqualTo(2);
    }
}
