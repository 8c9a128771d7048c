package io.polyhook.broker.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ConfigException;
import io.polyhook.broker.config.LoggingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code logging.*} switches logback without a system property. Each test puts the JVM's logging back. */
class LogSetupTest {

    @TempDir
    Path dir;

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    @AfterEach
    void restoreTheBundledConfiguration() throws JoranException {
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    private static Appender<ILoggingEvent> stdout(Logger root) {
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            return it.next();
        }
        throw new AssertionError("the root logger has no appender");
    }

    @Test
    void theBundledConfigurationWritesTheDateOnEveryLine() {
        OutputStreamAppender<ILoggingEvent> out = (OutputStreamAppender<ILoggingEvent>) stdout(context.getLogger("ROOT"));
        byte[] line = out.getEncoder().encode(event("hello"));
        assertThat(new String(line, StandardCharsets.UTF_8)).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}.* hello\\R");
    }

    @Test
    void formatJsonGivesEveryAppenderJsonLinesWithTheFormattedMessage() throws Exception {
        LogSetup.apply(BrokerConfig.parse("logging: { format: json }").logging(), dir);

        OutputStreamAppender<ILoggingEvent> out = (OutputStreamAppender<ILoggingEvent>) stdout(context.getLogger("ROOT"));
        assertThat(out.getEncoder()).isInstanceOf(JsonEncoder.class);
        String line = new String(out.getEncoder().encode(event("client {} connected", "c1")), StandardCharsets.UTF_8);
        assertThat(line.lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("formattedMessage").asText()).isEqualTo("client c1 connected");
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("timestamp").asLong()).isPositive();
    }

    @Test
    void levelsApplyPerLoggerAndRootStandsForTheRootLogger() {
        LogSetup.apply(new LoggingConfig(LoggingConfig.Format.TEXT, Optional.empty(),
                Map.of("root", "warn", "io.polyhook.test.x", "debug")), dir);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.polyhook.test.x").getEffectiveLevel()).isEqualTo(Level.DEBUG);
    }

    @Test
    void configLoadsALogbackFileThatSeesTheConfigFolder() throws Exception {
        Path xml = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>${POLYHOOK_CONFIG_DIR}/../log/polyhook.log</file>
                    <encoder><pattern>%level %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>
                """);
        Path conf = Files.createDirectories(dir.resolve("conf"));
        LogSetup.apply(new LoggingConfig(LoggingConfig.Format.TEXT, Optional.of(xml.toString()), Map.of()), conf);

        LoggerFactory.getLogger("io.polyhook.test").info("to the file");

        assertThat(Files.readString(dir.resolve("log").resolve("polyhook.log"))).isEqualTo("INFO to the file\n");
    }

    @Test
    void aMissingLogbackFileIsABadConfigNamingTheKey() {
        LoggingConfig l = new LoggingConfig(LoggingConfig.Format.TEXT, Optional.of(dir.resolve("nope.xml").toString()), Map.of());
        assertThatThrownBy(() -> LogSetup.apply(l, dir)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("logging.config: logback configuration").hasMessageContaining("nope.xml");
    }

    private ILoggingEvent event(String message, Object... args) {
        return new ch.qos.logback.classic.spi.LoggingEvent("x", context.getLogger("io.polyhook.test"), Level.INFO, message,
                null, args);
    }

    @SuppressWarnings("unused")
    private static String drain(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8);
    }
}
