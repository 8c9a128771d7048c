package io.polyhook.broker.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.polyhook.spi.Peer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RefusedLoginsTest {

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Instant now = Instant.parse("2026-12-07T10:00:00.100Z");
    private RefusedLogins log;

    @BeforeEach
    void setUp() {
        Logger logger = new LoggerContext().getLogger("refused");
        logger.setLevel(Level.INFO);
        lines.start();
        logger.addAppender(lines);
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        log = new RefusedLogins(logger, clock);
    }

    @Test
    void aRefusalIsLoggedAtInfoWithClientIdUsernamePeerAndReason() {
        log.refused("sensor-1", Optional.of("alice"), new Peer("10.0.0.7", 50123), "NOT_AUTHORIZED_5 (denied by auth.lua)");

        assertThat(lines.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.INFO);
            assertThat(e.getFormattedMessage()).isEqualTo("login refused: client id \"sensor-1\", username \"alice\","
                    + " peer 10.0.0.7:50123: NOT_AUTHORIZED_5 (denied by auth.lua)");
        });
    }

    @Test
    void aStormIsCutToTenLinesASecondAndTheNextLineCountsWhatWasLeftOut() {
        for (int i = 0; i < 500; i++) {
            log.refused("c" + i, Optional.empty(), new Peer("::1", 1), "BAD");
        }
        assertThat(lines.list).hasSize(RefusedLogins.LINES_PER_SECOND);

        now = now.plusSeconds(1);
        log.refused("late", Optional.empty(), new Peer("::1", 1), "BAD");

        assertThat(lines.list).hasSize(RefusedLogins.LINES_PER_SECOND + 1);
        assertThat(lines.list.getLast().getFormattedMessage()).contains("client id \"late\"", "username none", "peer [::1]:1",
                "490 more refused login(s) not logged");
    }

    @Test
    void namesFromTheNetworkCannotForgeLinesOrFloodOne() {
        log.refused("evil\nINFO forged line", Optional.of("x".repeat(10_000)), new Peer("1.2.3.4", 5), "BAD");

        String line = lines.list.getFirst().getFormattedMessage();
        assertThat(line).doesNotContain("\n").contains("evil\\u000aINFO forged line", "...(10000 chars)");
        assertThat(line.length()).isLessThan(400);
    }
}
