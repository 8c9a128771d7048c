package io.polyhook.broker.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ListenerConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code polyhook run} without {@code --config}: Mosquitto 2's local-only mode, said at start. */
class RunWithoutConfigTest {

    @Test
    void listensOnLoopbackOnlyAdmitsAnonymousClientsAndWarnsSo() {
        Logger logger = (Logger) LoggerFactory.getLogger(PolyhookCommand.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            BrokerConfig c = PolyhookCommand.Run.withoutConfigFile();

            assertThat(c.listeners()).extracting(ListenerConfig::host).containsOnly("127.0.0.1");
            assertThat(c.broker().allowAnonymous()).isTrue();
            assertThat(appender.list).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("127.0.0.1 only", "anonymous");
            });
        } finally {
            logger.detachAppender(appender);
        }
    }
}
