package io.polyhook.it.auth;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.concurrent.TimeUnit;

import static io.polyhook.it.auth.AuthBroker.bytes;
import static io.polyhook.it.auth.AuthBroker.publishQos1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every bundled auth script does, end to end: a broker with {@code auth/<db>.lua} (then
 * {@code accept_guest.lua}) against a real database holding these entries (mountpoint ""):
 *
 * <pre>
 * alice  alice-car  alice-pw  publish cars/%c/#, shared/status   subscribe users/%u/#, shared/#
 * alice  *          alice-pw  publish defaults/%u/#             subscribe defaults/#
 * bob    *          bob-pw    publish bob/#                     subscribe bob/#
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BundledAuthContract {

    /** The script under test: {@code auth/<db>.lua}. */
    abstract String db();

    /** The database, empty. */
    abstract AuthStore store();

    /** The body of the {@code providers} config section pointing {@code db()} at the test server. */
    abstract String providersYaml();

    AuthBroker broker;

    @BeforeAll
    void seedAndStart() {
        AuthStore store = store();
        store.reset();
        store.add("", "alice-car", "alice", "alice-pw",
                "[{\"pattern\": \"cars/%c/#\"}, {\"pattern\": \"shared/status\", \"max_qos\": 1}]",
                "[{\"pattern\": \"users/%u/#\"}, {\"pattern\": \"shared/#\"}]");
        store.add("", "*", "alice", "alice-pw",
                "[{\"pattern\": \"defaults/%u/#\"}]",
                "[{\"pattern\": \"defaults/#\"}]");
        store.add("", "*", "bob", "bob-pw",
                "[{\"pattern\": \"bob/#\"}]",
                "[{\"pattern\": \"bob/#\"}]");
        broker = AuthBroker.start(db(), providersYaml());
    }

    @AfterEach
    void disconnect() {
        broker.disconnectClients();
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void scriptRunsTheTenStatesWithoutKeepStateThatAuthCommonsSets() {
        assertThat(broker.scriptDetails(db())).containsEntry("states", 10).containsEntry("keep_state", false);
    }

    @Test
    void v5ClientWithTheRightPasswordIsAdmitted() {
        assertThat(broker.v5("alice-car", "alice", "alice-pw").getState().isConnected()).isTrue();
    }

    @Test
    void v3ClientWithTheRightPasswordIsAdmitted() {
        assertThat(broker.v3("bob-v3", "bob", "bob-pw").getState().isConnected()).isTrue();
    }

    @Test
    void v5WrongPasswordIsRefusedWithBadUserNameOrPassword() {
        assertThat(broker.v5Refused("alice-car", "alice", "guess"))
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void v3WrongPasswordIsRefusedWithBadUserNameOrPassword() {
        assertThat(broker.v3Refused("bob-v3", "bob", "guess")).isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void unknownUserIsLeftToTheNextScriptWhichAdmitsTheGuest() {
        assertThat(broker.v5("guest-1", "guest", "anything").getState().isConnected()).isTrue();
    }

    @Test
    void unknownUserNobodyAdmitsIsRefusedNotAuthorized() {
        assertThat(broker.v5Refused("nobody-1", "nobody", "whatever")).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void v3UnknownUserNobodyAdmitsIsRefusedNotAuthorized() {
        assertThat(broker.v3Refused("nobody-v3", "nobody", "whatever")).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
    }

    @Test
    void clientWithoutPasswordIsLeftToTheNextHandlerAndRefusedNotAuthorized() {
        assertThat(broker.v5WithoutPassword("alice-car", "alice")).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void publishToATopicOfTheClientIdPlaceholderAclIsAcknowledged() {
        Mqtt5BlockingClient alice = broker.v5("alice-car", "alice", "alice-pw");
        assertThat(publishQos1(alice, "cars/alice-car/speed")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    }

    @Test
    void publishOutsideTheAclIsNotAuthorized() {
        Mqtt5BlockingClient alice = broker.v5("alice-car", "alice", "alice-pw");
        assertThat(publishQos1(alice, "cars/another-car/speed")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void subscribeToATopicOfTheUsernamePlaceholderAclIsGranted() {
        Mqtt5BlockingClient alice = broker.v5("alice-car", "alice", "alice-pw");
        assertThat(alice.subscribeWith().topicFilter("users/alice/#").qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes())
                .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    }

    @Test
    void subscribeOutsideTheAclIsNotAuthorized() {
        Mqtt5BlockingClient alice = broker.v5("alice-car", "alice", "alice-pw");
        assertThatThrownBy(() -> alice.subscribeWith().topicFilter("users/bob/#").qos(MqttQos.AT_LEAST_ONCE).send())
                .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCodes())
                        .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
    }

    @Test
    void v3SubscribeOutsideTheAclGetsTheFailureReturnCode() {
        Mqtt3BlockingClient bob = broker.v3("bob-v3", "bob", "bob-pw");
        assertThatThrownBy(() -> bob.subscribeWith().topicFilter("alice/#").qos(MqttQos.AT_LEAST_ONCE).send())
                .isInstanceOfSatisfying(Mqtt3SubAckException.class, e -> assertThat(e.getMqttMessage().getReturnCodes())
                        .containsExactly(Mqtt3SubAckReturnCode.FAILURE));
    }

    @Test
    void messageInsideBothAclsIsDeliveredToTheSubscriber() throws Exception {
        Mqtt5BlockingClient alice = broker.v5("alice-car", "alice", "alice-pw");
        try (var in = alice.publishes(MqttGlobalPublishFilter.ALL)) {
            alice.subscribeWith().topicFilter("shared/#").qos(MqttQos.AT_LEAST_ONCE).send();
            alice.publishWith().topic("shared/status").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("up")).send();
            assertThat(in.receive(15, TimeUnit.SECONDS)).hasValueSatisfying(p ->
                    assertThat(p.getTopic().toString()).isEqualTo("shared/status"));
        }
    }

    @Test
    void starEntryIsUsedWhenTheClientIdHasNoEntryOfItsOwn() {
        Mqtt5BlockingClient phone = broker.v5("alice-phone", "alice", "alice-pw");
        assertThat(publishQos1(phone, "defaults/alice/battery")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(publishQos1(phone, "cars/alice-phone/speed")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void clientSpecificEntryWinsOverTheStarEntry() {
        Mqtt5BlockingClient car = broker.v5("alice-car", "alice", "alice-pw");
        assertThat(publishQos1(car, "defaults/alice/battery")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void starEntryAdmitsAnyClientIdOfItsUser() {
        assertThat(broker.v5("bob-anything", "bob", "bob-pw").getState().isConnected()).isTrue();
    }

    @Test
    void clientAdmittedByAnotherScriptIsNotDeniedByTheAuthScript() {
        Mqtt5BlockingClient guest = broker.v5("guest-2", "guest", "anything");
        assertThat(publishQos1(guest, "guest/status")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    }

    @Test
    void aRequestOfAClientTheCacheDoesNotKnowIsDeniedWhenNobodyAllowsIt() {
        // The auth script guards publish for clients it did not admit: it says next, the other
        // script has no opinion on this topic, and the exhausted chain is denied (no_match unset).
        Mqtt5BlockingClient guest = broker.v5("guest-3", "guest", "anything");
        assertThat(publishQos1(guest, "anywhere/at/all")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    }
}
