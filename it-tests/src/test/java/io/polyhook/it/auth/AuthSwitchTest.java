package io.polyhook.it.auth;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.polyhook.provider.sql.EmbeddedPostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundled scripts as users switch them on: {@code auth.postgres.enabled: true} loads the
 * script shipped in the broker (unpacked with its common module), and
 * {@code auth.postgres.unknown_user} reaches it through {@code polyhook.config}.
 */
@ResourceLock("polyhook-it-auth-postgres")
class AuthSwitchTest {

    private PostgresStore store;
    private AuthBroker broker;

    @BeforeEach
    void seed() {
        store = new PostgresStore(new EmbeddedPostgresExtension().account(), "crypt");
        store.reset();
        store.add("", "*", "bob", "bob-pw", "[{\"pattern\": \"bob/#\"}]", "[{\"pattern\": \"bob/#\"}]");
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void enabledLoadsTheBundledScriptAndAdmitsAKnownUser() {
        broker = AuthBroker.startSwitchedOn("postgres", "{ enabled: true, password_hash_method: crypt }",
                store.providersYaml("postgres", ""));

        assertThat(broker.v5("bob-1", "bob", "bob-pw").getState().isConnected()).isTrue();
        assertThat(broker.v5Refused("bob-2", "bob", "wrong")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void byDefaultAnUnknownUserIsLeftToTheScriptsAfterIt() {
        broker = AuthBroker.startSwitchedOn("postgres", "{ enabled: true }", store.providersYaml("postgres", ""));

        assertThat(broker.v5("guest-1", "guest", "anything").getState().isConnected()).isTrue();
    }

    @Test
    void unknownUserDenyStopsTheChainAtTheBundledScript() {
        broker = AuthBroker.startSwitchedOn("postgres", "{ enabled: true, unknown_user: deny }",
                store.providersYaml("postgres", ""));

        assertThat(broker.v5Refused("guest-1", "guest", "anything")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(broker.v5("bob-1", "bob", "bob-pw").getState().isConnected()).isTrue();
    }
}
