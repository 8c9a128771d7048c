package io.polyhook.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.core.hook.internal.HandlerStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.polyhook.it.PublishSubscribeTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code examples/public-broker/public_broker.lua}, loaded from the repository as its README
 * says (with {@code broker.allow_anonymous: false}), against real clients from 127.0.0.1.
 * {@link PublicBrokerExampleJsTest} runs the same tests with the JavaScript version.
 */
class PublicBrokerExampleTest {

    static final Path SCRIPT = Path.of("..", "examples", "public-broker", "public_broker.lua");

    /** The example under test. */
    Path script() {
        return SCRIPT;
    }

    @TempDir
    Path emptyDir;

    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.configured(c -> c.withBroker(c.broker().withAllowAnonymous(false))
                .withScripts(new ScriptsConfig(emptyDir.toString(), List.of(script().toString()), 2, Duration.ofSeconds(5))));
        assertThat(broker.broker.scripts().list()).as("the example loads").hasSize(1);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private Mqtt5BlockingClient user(String id, String username, String password) {
        Mqtt5BlockingClient c = broker.v5Builder(id).simpleAuth().username(username).password(bytes(password))
                .applySimpleAuth().buildBlocking();
        broker.track(c);
        return c;
    }

    private static List<Mqtt5SubAckReasonCode> subscribe(Mqtt5BlockingClient c, String filter) {
        try {
            return c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_MOST_ONCE).send().getReasonCodes();
        } catch (Mqtt5SubAckException e) {
            return e.getMqttMessage().getReasonCodes();
        }
    }

    private long cleanups() {
        return broker.broker.scripts().stats(script()).stream()
                .filter(s -> s.hook().equals("on_client_offline") || s.hook().equals("on_client_gone"))
                .mapToLong(HandlerStats.Snapshot::calls).sum();
    }

    @Test
    void anonymousClientsAreAllowed() {
        assertThat(broker.v5("anon").getState().isConnected()).isTrue();
    }

    @Test
    void normalUsersMayNotSubscribeToSysOrEverything() {
        Mqtt5BlockingClient carol = user("carol-1", "carol", "whatever");
        carol.connect();
        assertThat(subscribe(carol, "$SYS/#")).singleElement().satisfies(code -> assertThat(code.isError()).isTrue());
        assertThat(subscribe(carol, "#")).singleElement().satisfies(code -> assertThat(code.isError()).isTrue());
        assertThat(subscribe(carol, "sensors/#")).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_0);
    }

    @Test
    void anonymousMqtt3ClientsGetSubAckFailureForEverything() {
        Mqtt3BlockingClient c = broker.v3("anon-v3");
        List<Mqtt3SubAckReturnCode> codes;
        try {
            codes = c.subscribeWith().topicFilter("#").qos(MqttQos.AT_MOST_ONCE).send().getReturnCodes();
        } catch (Mqtt3SubAckException e) {
            codes = e.getMqttMessage().getReturnCodes();
        }
        assertThat(codes).containsExactly(Mqtt3SubAckReturnCode.FAILURE);
    }

    @Test
    void theSuperuserMaySubscribeToSysAndEverything() {
        Mqtt5BlockingClient bob = user("bob-1", "bob", "bobsecret");
        bob.connect();
        assertThat(subscribe(bob, "$SYS/#")).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_0);
        assertThat(subscribe(bob, "#")).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_0);
    }

    @Test
    void aSuperuserWithAWrongPasswordIsRefused() {
        Mqtt5BlockingClient bob = user("bob-2", "bob", "guess");
        assertThatThrownBy(bob::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                assertThat(e.getMqttMessage().getReasonCode().isError()).isTrue());
    }

    @Test
    void theSixthConnectionFromOneAddressIsRefused() {
        for (int i = 0; i < 5; i++) {
            broker.v5("c" + i);
        }
        Mqtt5BlockingClient sixth = broker.v5Unconnected("c5");
        assertThatThrownBy(sixth::connect).isInstanceOf(Mqtt5ConnAckException.class);
    }

    @Test
    void afterEveryClientLeavesTheAddressMayConnectFiveTimesAgain() {
        List<Mqtt5BlockingClient> first = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            first.add(broker.v5("c" + i));
        }
        first.forEach(Mqtt5BlockingClient::disconnect);
        // The counter is decremented by on_client_gone / on_client_offline, which run after the
        // disconnect is acknowledged: wait until the script has been told about all five.
        Await.until("the script saw five clients leave", () -> cleanups() >= 5);
        for (int i = 0; i < 5; i++) {
            assertThat(broker.v5("d" + i).getState().isConnected()).isTrue();
        }
        // Exactly five again, not more: the counter went back to zero, not below.
        assertThatThrownBy(broker.v5Unconnected("d5")::connect).isInstanceOf(Mqtt5ConnAckException.class);
    }

    @Test
    void aReconnectingClientIsCountedOnce() {
        for (int i = 0; i < 4; i++) {
            broker.v5("c" + i);
        }
        // A takeover by the same client id replaces the session; it must not use up a slot.
        broker.v5("c0");
        assertThat(broker.v5("c4").getState().isConnected()).isTrue();
        assertThatThrownBy(broker.v5Unconnected("c5")::connect).isInstanceOf(Mqtt5ConnAckException.class);
    }
}
