package io.polyhook.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import io.polyhook.broker.logging.RefusedLogins;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A refused login is logged at INFO with client id, user name, peer and reason, never the password. */
class RefusedLoginLogTest {

    @Test
    void aRefusedClientIsLoggedWithoutItsPassword() {
        Logger logger = (Logger) LoggerFactory.getLogger(RefusedLogins.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try (TestBroker broker = TestBroker.configured(c -> c.withBroker(c.broker().withAllowAnonymous(false)))) {
            Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier("intruder-7").serverHost("127.0.0.1")
                    .serverPort(broker.broker.boundPort("tcp")).buildBlocking();
            assertThatThrownBy(() -> c.connectWith().simpleAuth().username("mallory")
                    .password("s3cr3t-pw".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send())
                    .isInstanceOf(Mqtt5ConnAckException.class);

            Await.until("the refusal is logged", () -> !lines.list.isEmpty());
            assertThat(lines.list).singleElement().satisfies(e -> {
                assertThat(e.getLevel().toString()).isEqualTo("INFO");
                assertThat(e.getFormattedMessage()).startsWith("login refused: client id \"intruder-7\", username \"mallory\","
                        + " peer 127.0.0.1:").contains("NOT_AUTHORIZED").doesNotContain("s3cr3t-pw");
            });
        } finally {
            logger.detachAppender(lines);
        }
    }
}
