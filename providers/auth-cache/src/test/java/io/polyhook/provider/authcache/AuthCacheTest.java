package io.polyhook.provider.authcache;

import io.polyhook.spi.Bytes;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeModifiers;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static io.polyhook.provider.authcache.Requests.USER;
import static io.polyhook.provider.authcache.Requests.acl;
import static io.polyhook.provider.authcache.Requests.client;
import static io.polyhook.provider.authcache.Requests.patterns;
import static io.polyhook.provider.authcache.Requests.publish;
import static io.polyhook.provider.authcache.Requests.publishModifiers;
import static io.polyhook.provider.authcache.Requests.subscribe;
import static io.polyhook.provider.authcache.Requests.subscribeModifiers;
import static io.polyhook.provider.authcache.Requests.unsubscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthCacheTest {

    private final Requests.FakeTicker ticker = new Requests.FakeTicker();
    private final AuthCache cache = AuthCache.builder().ticker(ticker).build();
    private final List<SubscriberId> changes = new ArrayList<>();

    private static TopicSubscription sub(String filter, int qos) {
        return TopicSubscription.of(filter, qos);
    }

    private static <M extends Modifiers> M modifiersOf(Verdict<M> verdict) {
        assertThat(verdict).isInstanceOf(Verdict.Ok.class);
        return ((Verdict.Ok<M>) verdict).modifiers().orElseThrow();
    }

    @Nested
    class Publish {

        @ParameterizedTest(name = "qos {1}, payload ''{2}'', retain {3}, topic {0} -> {4}")
        @CsvSource(delimiter = '|', textBlock = """
                a/b/c | 1 | hello       | false | ok
                a/x/c | 0 | hello       | false | ok
                a/b/c | 2 | hello       | false | deny
                a/b/c | 1 | hello world | false | deny
                a/b/c | 1 | hello       | true  | deny
                a/b/d | 1 | hello       | false | deny
                """)
        void grantsWhenQosSizeRetainAndTopicAllFit(String topic, int qos, String payload, boolean retain, String expected) {
            cache.insert(client("c"), USER, List.of(acl("pattern", "a/+/c", "max_qos", 1L, "max_payload_size", 5L,
                    "allowed_retain", false)), null);

            Verdict<PublishModifiers> v = cache.matchPublish(publish(MqttVersion.V3_1_1, "c", topic, qos, payload, retain,
                    MqttProperties.EMPTY));

            assertThat(v).isEqualTo(expected.equals("ok") ? Verdict.ok() : Verdict.deny());
        }

        @Test
        void theDefaultsGrantEveryQosSizeAndRetain() {
            cache.insert(client("c"), USER, patterns("t"), null);

            assertThat(cache.matchPublish(publish(MqttVersion.V3_1_1, "c", "t", 2, "x".repeat(1000), true,
                    MqttProperties.EMPTY))).isEqualTo(Verdict.ok());
        }

        @Test
        void aClientWithoutEntryGetsNoAnswer() {
            assertThat(cache.matchPublish(publish("c", "a"))).isEqualTo(Verdict.next());
        }

        @Test
        void aNilListDeniesEveryPublish() {
            cache.insert(client("c"), USER, null, patterns("#"));

            assertThat(cache.matchPublish(publish("c", "a"))).isEqualTo(Verdict.deny());
        }

        @Test
        void theFirstMatchingAclWins() {
            cache.insert(client("c"), USER, List.of(acl("pattern", "a/+", "modifiers", Map.of("topic", "first")),
                    acl("pattern", "a/b")), null);

            assertThat(modifiersOf(cache.matchPublish(publish("c", "a/b"))).topic()).contains("first");
        }

        @Test
        void mqtt5ClientsGetTheModifiersWithProperties() {
            cache.insert(client("c"), USER, List.of(acl("pattern", "a/+/c", "modifiers", publishModifiers())), null);

            PublishModifiers m = modifiersOf(cache.matchPublish(
                    publish(MqttVersion.V5, "c", "a/b/c", 2, "hello", false, MqttProperties.EMPTY)));

            assertThat(m).isEqualTo(PublishModifiers.builder().topic("hello/world").payload(Bytes.utf8("hello world"))
                    .qos(1).retain(true).mountpoint("override-mountpoint2")
                    .properties(MqttProperties.builder().contentType("cache-content-type")
                            .addUserProperty("k1", "v3").addUserProperty("k3", "v3").build())
                    .build());
        }

        @Test
        void mqtt3ClientsGetTheModifiersWithoutProperties() {
            cache.insert(client("c"), USER, List.of(acl("pattern", "a/+/c", "modifiers", publishModifiers())), null);

            PublishModifiers m = modifiersOf(cache.matchPublish(publish("c", "a/b/c")));

            assertThat(m.properties()).isEmpty();
            assertThat(m.topic()).contains("hello/world");
        }

        @Test
        void modifiersWithOnlyPropertiesGrantMqtt3ClientsUnmodified() {
            cache.insert(client("c"), USER, List.of(acl("pattern", "t",
                    "modifiers", Map.of("properties", Map.of("p_content_type", "x")))), null);

            assertThat(cache.matchPublish(publish("c", "t"))).isEqualTo(Verdict.ok());
        }

        @Test
        void aHitWithoutModifiersReturnsTheSharedOkVerdict() {
            cache.insert(client("c"), USER, patterns("t"), null);

            assertThat(cache.matchPublish(publish("c", "t"))).isSameAs(Verdict.ok());
        }
    }

    @Nested
    class Subscribe {

        @Test
        void grantsWhenEveryFilterMatches() {
            cache.insert(client("c"), USER, null, patterns("a/+/c", "c/#"));

            assertThat(cache.matchSubscribe(subscribe("c", sub("a/b/c", 1), sub("c/d", 2)))).isEqualTo(Verdict.ok());
        }

        @Test
        void oneFilterWithoutMatchDeniesTheWholeRequest() {
            cache.insert(client("c"), USER, null, patterns("a/b/c"));

            assertThat(cache.matchSubscribe(subscribe("c", sub("c/b/a", 0), sub("a/b/c", 0)))).isEqualTo(Verdict.deny());
        }

        @Test
        void aQosAboveTheMaximumDoesNotMatch() {
            cache.insert(client("c"), USER, null, List.of(acl("pattern", "a/+/c", "max_qos", 1L)));

            assertThat(cache.matchSubscribe(subscribe("c", sub("a/+/c", 2)))).isEqualTo(Verdict.deny());
            assertThat(cache.matchSubscribe(subscribe("c", sub("a/+/c", 1)))).isEqualTo(Verdict.ok());
        }

        @Test
        void aOneLevelWildcardInThePatternDoesNotGrantAMultiLevelFilter() {
            cache.insert(client("c"), USER, null, patterns("a/+"));

            assertThat(cache.matchSubscribe(subscribe("c", sub("a/#", 0)))).isEqualTo(Verdict.deny());
            assertThat(cache.matchSubscribe(subscribe("c", sub("a/+", 0)))).isEqualTo(Verdict.ok());
        }

        @Test
        void aPatternForEverythingDoesNotGrantTheSysTree() {
            cache.insert(client("c"), USER, null, patterns("#"));

            assertThat(cache.matchSubscribe(subscribe("c", sub("$SYS/#", 0)))).isEqualTo(Verdict.deny());
            assertThat(cache.matchSubscribe(subscribe("c", sub("#", 0)))).isEqualTo(Verdict.ok());
        }

        @ParameterizedTest(name = "client id ''{0}'' subscribing {1}")
        @CsvSource(delimiter = '|', textBlock = """
                +      | devices/+/#
                +      | devices/+/state
                '#'    | devices/#
                a/b    | devices/a/b/state
                a/b    | devices/a/#
                $SYS   | $SYS/#
                """)
        void aClientIdNeverBecomesAWildcardOrALevelSeparator(String clientId, String filter) {
            cache.insert(client(clientId), USER, null, patterns("devices/%c/#", "%c/#"));

            assertThat(cache.matchSubscribe(subscribe(clientId, sub(filter, 0)))).isEqualTo(Verdict.deny());
        }

        @Test
        void anOrdinaryClientIdStillGrantsItsOwnTree() {
            cache.insert(client("dev-1"), USER, null, patterns("devices/%c/#"));

            assertThat(cache.matchSubscribe(subscribe("dev-1", sub("devices/dev-1/#", 0)))).isEqualTo(Verdict.ok());
            assertThat(cache.matchSubscribe(subscribe("dev-1", sub("devices/+/#", 0)))).isEqualTo(Verdict.deny());
        }

        @Test
        void aNilListDeniesEverySubscribe() {
            cache.insert(client("c"), USER, patterns("#"), null);

            assertThat(cache.matchSubscribe(subscribe("c", sub("a", 0)))).isEqualTo(Verdict.deny());
        }

        @Test
        void aClientWithoutEntryGetsNoAnswer() {
            assertThat(cache.matchSubscribe(subscribe("c", sub("a", 0)))).isEqualTo(Verdict.next());
        }

        @Test
        void modifiersOfTheMatchedAclsAreConcatenated() {
            cache.insert(client("c"), USER, null, List.of(
                    acl("pattern", "a", "modifiers", List.of(List.of("x/1", 1L), List.of("x/2", 2L))),
                    acl("pattern", "b", "modifiers", List.of(List.of("y", 0L)))));

            assertThat(modifiersOf(cache.matchSubscribe(subscribe("c", sub("a", 0), sub("b", 0)))))
                    .isEqualTo(SubscribeModifiers.of(sub("x/1", 1), sub("x/2", 2), sub("y", 0)));
        }

        @Test
        void filtersMatchedByPlainAclsAreKeptAsRequestedAmongRewrittenOnes() {
            cache.insert(client("c"), USER, null, List.of(
                    acl("pattern", "plain/#"),
                    acl("pattern", "modifiers", "modifiers", subscribeModifiers())));

            assertThat(modifiersOf(cache.matchSubscribe(subscribe("c", sub("plain/a", 1), sub("modifiers", 0)))))
                    .isEqualTo(SubscribeModifiers.of(sub("plain/a", 1), sub("hello/world", 2)));
        }

        @Test
        void rewrittenFiltersKeepTheMqtt5OptionsOfTheRequest() {
            cache.insert(client("c"), USER, null, List.of(acl("pattern", "modifiers", "modifiers", subscribeModifiers())));
            SubscriptionOptions options = new SubscriptionOptions(true, true, RetainHandling.DONT_SEND, OptionalInt.of(7));

            Verdict<SubscribeModifiers> v = cache.matchSubscribe(subscribe(MqttVersion.V5, "c",
                    new TopicSubscription("modifiers", 1, options)));

            assertThat(modifiersOf(v).topics()).containsExactly(new TopicSubscription("hello/world", 2, options));
        }
    }

    @Nested
    class Unsubscribe {

        @Test
        void filtersMatchedByPlainAclsGoThroughUnchanged() {
            cache.insert(client("c"), USER, null, patterns("a/#"));

            assertThat(cache.matchUnsubscribe(unsubscribe("c", "a/b", "a/#"))).isEqualTo(Verdict.ok());
        }

        @Test
        void filtersMatchedByAclsWithModifiersAreRewrittenToTheModifierTopics() {
            cache.insert(client("c"), USER, null, List.of(acl("pattern", "plain"),
                    acl("pattern", "modifiers", "modifiers", subscribeModifiers())));

            assertThat(modifiersOf(cache.matchUnsubscribe(unsubscribe("c", "plain", "modifiers"))))
                    .isEqualTo(UnsubscribeModifiers.of("plain", "hello/world"));
        }

        @Test
        void aFilterWithoutMatchGivesNoAnswer() {
            cache.insert(client("c"), USER, null, patterns("a/#"));

            assertThat(cache.matchUnsubscribe(unsubscribe("c", "a/b", "b"))).isEqualTo(Verdict.next());
        }

        @Test
        void filtersAreMatchedAsQosZeroSubscribes() {
            cache.insert(client("c"), USER, null, List.of(acl("pattern", "a", "max_qos", 0L)));

            assertThat(cache.matchUnsubscribe(unsubscribe("c", "a"))).isEqualTo(Verdict.ok());
        }

        @Test
        void aClientWithoutEntryGetsNoAnswer() {
            assertThat(cache.matchUnsubscribe(unsubscribe("c", "a"))).isEqualTo(Verdict.next());
        }
    }

    @Nested
    class BrokenAcls {

        @Test
        void anInvalidPatternMatchesNothingAndTheOtherAclsStillWork() {
            cache.insert(client("c"), USER, patterns("a/#/b", "ok"), null);

            assertThat(cache.matchPublish(publish("c", "a/x/b"))).isEqualTo(Verdict.deny());
            assertThat(cache.matchPublish(publish("c", "ok"))).isEqualTo(Verdict.ok());
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                no pattern                 | max_qos          | 1
                max_qos out of range       | max_qos          | 3
                max_qos not a number       | max_qos          | two
                max_payload_size too large | max_payload_size | 268435457
                allowed_retain not a bool  | allowed_retain   | yes
                """)
        void anAclWithABadFieldMatchesNothing(String name, String key, String value) {
            Object parsed = value.matches("\\d+") ? (Object) Long.parseLong(value) : value;
            Map<String, Object> acl = name.equals("no pattern") ? acl(key, parsed) : acl("pattern", "#", key, parsed);
            cache.insert(client("c"), USER, List.of(acl), List.of(acl));

            assertThat(cache.matchPublish(publish("c", "a"))).isEqualTo(Verdict.deny());
        }

        @Test
        void anAclThatIsNotATableMatchesNothing() {
            cache.insert(client("c"), USER, List.of("#", Map.of("pattern", "ok")), null);

            assertThat(cache.matchPublish(publish("c", "a"))).isEqualTo(Verdict.deny());
            assertThat(cache.matchPublish(publish("c", "ok"))).isEqualTo(Verdict.ok());
        }

        @Test
        void unknownKeysAreIgnored() {
            cache.insert(client("c"), USER, List.of(acl("pattern", "a", "colour", "blue")), null);

            assertThat(cache.matchPublish(publish("c", "a"))).isEqualTo(Verdict.ok());
        }

        @Test
        void invalidPublishModifiersAreDroppedAndTheAclGrantsUnmodified() {
            cache.insert(client("c"), USER, List.of(acl("pattern", "a", "modifiers", Map.of("topic", 5L)),
                    acl("pattern", "b", "modifiers", Map.of("unknown", 5L))), null);

            assertThat(cache.matchPublish(publish("c", "a"))).isEqualTo(Verdict.ok());
            assertThat(cache.matchPublish(publish("c", "b"))).isEqualTo(Verdict.ok());
        }

        @Test
        void subscribeModifiersAsObjectsAreInvalidAndDropped() {
            cache.insert(client("c"), USER, null, List.of(acl("pattern", "a",
                    "modifiers", List.of(Map.of("topic", "x", "qos", 1L)))));

            assertThat(cache.matchSubscribe(subscribe("c", sub("a", 0)))).isEqualTo(Verdict.ok());
        }

        @Test
        void emptyModifiersCountAsNone() {
            cache.insert(client("c"), USER, List.of(acl("pattern", "a", "modifiers", Map.of())),
                    List.of(acl("pattern", "a", "modifiers", List.of())));

            assertThat(cache.matchPublish(publish("c", "a"))).isEqualTo(Verdict.ok());
            assertThat(cache.matchSubscribe(subscribe("c", sub("a", 0)))).isEqualTo(Verdict.ok());
        }
    }

    @Nested
    class Versions {

        @Test
        void matchingUsesTheNewestInsert() {
            cache.insert(client("c"), USER, patterns("old"), null);
            cache.insert(client("c"), USER, patterns("new"), null);

            assertThat(cache.matchPublish(publish("c", "new"))).isEqualTo(Verdict.ok());
            assertThat(cache.matchPublish(publish("c", "old"))).isEqualTo(Verdict.deny());
        }

        @Test
        void clearRemovesTheOldestSoATakeoverKeepsTheNewSessionsAcls() {
            cache.insert(client("c"), USER, patterns("old"), null);
            cache.insert(client("c"), USER, patterns("new"), null);

            assertThat(cache.clear(client("c"))).isTrue();

            assertThat(cache.matchPublish(publish("c", "new"))).isEqualTo(Verdict.ok());
            assertThat(cache.entry(client("c"))).get().extracting(AuthCache.Entry::versions).isEqualTo(1);
        }

        @Test
        void clearingTheLastInsertRemovesTheEntry() {
            cache.insert(client("c"), USER, patterns("t"), null);

            assertThat(cache.clear(client("c"))).isTrue();
            assertThat(cache.clear(client("c"))).isFalse();
            assertThat(cache.matchPublish(publish("c", "t"))).isEqualTo(Verdict.next());
        }

        @Test
        void theMountpointIsPartOfTheKeyAndTheUsernameIsNot() {
            cache.insert(new SubscriberId("tenant", "c"), "alice", patterns("t"), null);

            assertThat(cache.matchPublish(publish("c", "t"))).isEqualTo(Verdict.next());
            cache.insert(client("c"), "bob", patterns("t"), null);
            assertThat(cache.matchPublish(publish("c", "t"))).isEqualTo(Verdict.ok());
        }
    }

    @Nested
    class TimeToLive {

        @Test
        void withoutTtlAnEntryNeverExpires() {
            cache.insert(client("c"), USER, patterns("t"), null);
            ticker.advance(Duration.ofDays(3650));

            assertThat(cache.matchPublish(publish("c", "t"))).isEqualTo(Verdict.ok());
        }

        @Test
        void anEntryExpiresAfterItsTtlAndTheHandlersDecideAgain() {
            cache.insert(client("c"), USER, patterns("t"), null, Duration.ofSeconds(10));

            ticker.advance(Duration.ofSeconds(9));
            assertThat(cache.matchPublish(publish("c", "t"))).isEqualTo(Verdict.ok());
            ticker.advance(Duration.ofSeconds(1));
            assertThat(cache.matchPublish(publish("c", "t"))).isEqualTo(Verdict.next());
            assertThat(cache.size()).isZero();
        }

        @Test
        void theDefaultTtlAppliesToInsertsWithoutOne() {
            AuthCache withTtl = AuthCache.builder().ticker(ticker).defaultTtl(Duration.ofMinutes(10)).build();
            withTtl.insert(client("c"), USER, patterns("t"), null);
            withTtl.insert(client("d"), USER, patterns("t"), null, Duration.ofHours(1));

            ticker.advance(Duration.ofMinutes(10));

            assertThat(withTtl.matchPublish(publish("c", "t"))).isEqualTo(Verdict.next());
            assertThat(withTtl.matchPublish(publish("d", "t"))).isEqualTo(Verdict.ok());
        }

        @Test
        void theTtlRunsFromTheNewestInsert() {
            cache.insert(client("c"), USER, patterns("old"), null, Duration.ofSeconds(10));
            ticker.advance(Duration.ofSeconds(8));
            cache.insert(client("c"), USER, patterns("new"), null, Duration.ofSeconds(10));
            ticker.advance(Duration.ofSeconds(8));

            assertThat(cache.matchPublish(publish("c", "new"))).isEqualTo(Verdict.ok());
            assertThat(cache.entry(client("c"))).get().extracting(AuthCache.Entry::expiresIn)
                    .isEqualTo(Optional.of(Duration.ofSeconds(2)));
        }

        @Test
        void aTtlMustBePositive() {
            assertThatThrownBy(() -> cache.insert(client("c"), USER, null, null, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> AuthCache.builder().defaultTtl(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Invalidation {

        @Test
        void byClientRemovesEveryInsertOfThatClient() {
            cache.insert(client("c"), USER, patterns("t"), null);
            cache.insert(client("c"), USER, patterns("t"), null);
            cache.insert(client("d"), USER, patterns("t"), null);

            assertThat(cache.invalidate(client("c"))).isTrue();
            assertThat(cache.invalidate(client("c"))).isFalse();

            assertThat(cache.matchPublish(publish("c", "t"))).isEqualTo(Verdict.next());
            assertThat(cache.matchPublish(publish("d", "t"))).isEqualTo(Verdict.ok());
        }

        @Test
        void byUsernameRemovesThatUsersInsertsInEveryMountpoint() {
            cache.insert(client("c1"), "alice", patterns("t"), null);
            cache.insert(new SubscriberId("tenant", "c2"), "alice", patterns("t"), null);
            cache.insert(client("c3"), "bob", patterns("t"), null);

            assertThat(cache.invalidateUser("alice")).isEqualTo(2);

            assertThat(cache.entries()).extracting(AuthCache.Entry::subscriberId).containsExactly(client("c3"));
        }

        @Test
        void byUsernameInOneMountpointLeavesTheOthers() {
            cache.insert(client("c1"), "alice", patterns("t"), null);
            cache.insert(new SubscriberId("tenant", "c2"), "alice", patterns("t"), null);

            assertThat(cache.invalidateUser("tenant", "alice")).isEqualTo(1);

            assertThat(cache.entries()).extracting(AuthCache.Entry::subscriberId).containsExactly(client("c1"));
        }

        @Test
        void byUsernameKeepsANewerInsertOfAnotherUserForTheSameClient() {
            cache.insert(client("c"), "alice", patterns("alice"), null);
            cache.insert(client("c"), "bob", patterns("bob"), null);

            assertThat(cache.invalidateUser("alice")).isEqualTo(1);

            assertThat(cache.entry(client("c"))).get().satisfies(e -> {
                assertThat(e.username()).isEqualTo("bob");
                assertThat(e.versions()).isEqualTo(1);
            });
        }

        @Test
        void allRemovesEverything() {
            cache.insert(client("c"), USER, patterns("t"), null);
            cache.insert(client("d"), USER, patterns("t"), null);

            assertThat(cache.invalidateAll()).isEqualTo(2);
            assertThat(cache.size()).isZero();
        }
    }

    @Nested
    class ChangeListeners {

        @Test
        void hearAboutInsertsAndInvalidations() {
            cache.onChange(changes::add);

            cache.insert(client("c"), USER, patterns("t"), null);
            cache.invalidate(client("c"));
            cache.invalidate(client("c"));

            assertThat(changes).containsExactly(client("c"), client("c"));
        }

        @Test
        void doNotHearAboutAClearThatLeavesANewerInsert() {
            cache.insert(client("c"), USER, patterns("old"), null);
            cache.insert(client("c"), USER, patterns("new"), null);
            cache.onChange(changes::add);

            cache.clear(client("c"));
            assertThat(changes).isEmpty();
            cache.clear(client("c"));
            assertThat(changes).containsExactly(client("c"));
        }

        @Test
        void hearAboutExpiry() {
            cache.insert(client("c"), USER, patterns("t"), null, Duration.ofSeconds(1));
            cache.onChange(changes::add);

            ticker.advance(Duration.ofSeconds(2));
            cache.size();

            assertThat(changes).containsExactly(client("c"));
        }

        @Test
        void aFailingListenerDoesNotStopTheOthersNorTheChange() {
            cache.onChange(id -> {
                throw new IllegalStateException("boom");
            });
            cache.onChange(changes::add);

            cache.insert(client("c"), USER, patterns("t"), null);

            assertThat(changes).containsExactly(client("c"));
            assertThat(cache.size()).isEqualTo(1);
        }

        @Test
        void stopHearingWhenTheRegistrationIsClosed() {
            cache.onChange(changes::add).close();

            cache.insert(client("c"), USER, patterns("t"), null);

            assertThat(changes).isEmpty();
        }
    }

    @Test
    void entriesShowTheNewestPatternsWithPlaceholdersReplaced() {
        cache.insert(client("allowed-subscriber-id"), USER, patterns("a/b/c", "a/%m/%u/%c/+/#", "bad/#/x"),
                patterns("a/b/c"));

        assertThat(cache.entries()).containsExactly(new AuthCache.Entry(client("allowed-subscriber-id"), USER, 1,
                List.of("a/b/c", "a//test-user/allowed-subscriber-id/+/#", "<invalid>"), List.of("a/b/c"),
                Optional.empty()));
    }
}
