package io.polyhook.it.auth;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.polyhook.provider.sql.EmbeddedPostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;

import static io.polyhook.it.auth.AuthBroker.publishQos1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * postgres.lua while the database is down: the embedded PostgreSQL is stopped in each test and
 * started again (same port, same data) before it ends.
 */
@ResourceLock("polyhook-it-auth-postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresOutageAuthTest {

    private static final Duration RECOVERY = Duration.ofSeconds(30);

    private final EmbeddedPostgresExtension pg = new EmbeddedPostgresExtension();
    private PostgresStore store;
    private AuthBroker broker;

    @BeforeAll
    void seedAndStart() {
        assumeTrue(pg.isEmbedded(), "needs its own PostgreSQL to stop (TEST_PG_URL is set)");
        store = new PostgresStore(pg.account(), "crypt");
        store.reset();
        store.add("", "*", "alice", "alice-pw", "[{\"pattern\": \"cars/%c/#\"}]", "[{\"pattern\": \"users/%u/#\"}]");
        store.add("", "*", "bob", "bob-pw", "[{\"pattern\": \"bob/#\"}]", "[{\"pattern\": \"bob/#\"}]");
        broker = AuthBroker.start("postgres", store.providersYaml("postgres", ""));
    }

    @AfterEach
    void restartAndDisconnect() {
        pg.restart();
        broker.disconnectClients();
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void connectedClientIsServedFromTheCacheWhileTheDatabaseIsDown() {
        Mqtt5BlockingClient alice = broker.v5("alice-car", "alice", "alice-pw");
        pg.stop();
        assertThat(publishQos1(alice, "cars/alice-car/speed")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(publishQos1(alice, "cars/other/speed")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        assertThat(alice.subscribeWith().topicFilter("users/alice/#").qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes())
                .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    }

    @Test
    void newLoginIsRefusedNotAuthorizedWhileTheDatabaseIsDown() {
        pg.stop();
        // The lookup fails fast (connect_timeout), the script errors, the chain is exhausted.
        assertThat(broker.v5Refused("bob-1", "bob", "bob-pw")).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void loginsSucceedAgainOnceTheDatabaseIsBack() throws InterruptedException {
        pg.stop();
        pg.restart();
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        Mqtt5BlockingClient bob = null;
        while (bob == null) {
            try {
                bob = broker.v5("bob-2", "bob", "bob-pw");
            } catch (Mqtt5ConnAckException refused) {
                assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("logins still refused " + RECOVERY + " after the database restarted");
                }
                Thread.sleep(200);
            }
        }
        assertThat(bob.getState().isConnected()).isTrue();
    }
}
