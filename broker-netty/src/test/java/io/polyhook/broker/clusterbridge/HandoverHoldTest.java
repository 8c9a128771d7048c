package io.polyhook.broker.clusterbridge;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.polyhook.broker.cluster.ForwardedMessage;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ResourceLimits;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.ClientAttachment;
import io.polyhook.broker.session.HandoverHold;
import io.polyhook.broker.session.QueuePolicy;
import io.polyhook.broker.session.RecordingConnection;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a leaving node keeps for a session it hands over on its own, until the new owner reads the
 * queue: it stands in for the session's offline queue, so it draws on the broker's queued bytes
 * and keeps the session's {@code max_offline_messages}, dropping and counting as that queue does
 * (the oldest past its own bounds, the newest once the broker's total is spent), and gives the
 * bytes back when it passes the messages on. One node whose link records what it forwards.
 */
class HandoverHoldTest {

    private static final SubscriberId S = new SubscriberId("", "leaving");
    private static final long SIZE = message("1").heapBytes();
    /** Ten messages of a session whose queue holds two: eight drops. */
    private static final String[] TEN = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};

    private RecordedNode node;

    /** A session of {@code S} on the node whose own {@code max_offline_messages} is {@code max}. */
    private void sessionHoldingAtMost(int max) {
        node.registry.connect(new ClientAttachment(S, false, 3600, node.dispatcher.newLane(S.clientId()),
                MqttVersion.V5, new QueuePolicy(max, false, false), Optional.empty(), true), new RecordingConnection());
    }

    @AfterEach
    void close() {
        node.close();
    }

    private static Message message(String text) {
        return Message.of("flow", 1, Bytes.utf8(text), false, MqttProperties.EMPTY, "pub");
    }

    /** Hands {@code S} over, with {@code texts} reaching it before the new owner reads its queue. */
    private MessageForwarding.Forwarder handingOverWhile(String... texts) {
        MessageForwarding.Forwarder forwarder = node.forwarding.handingOver(S, "new");
        for (String text : texts) {
            forwarder.deliver(message(text));
        }
        return forwarder;
    }

    private List<String> forwarded() {
        return node.link.sent.stream().map(o -> ((ForwardedMessage) o).message().payload().toUtf8String()).toList();
    }

    @Test
    void itKeepsTheSessionsMaxOfflineMessagesDroppingTheOldestAndCountingEach() {
        node = new RecordedNode("old");
        sessionHoldingAtMost(2);

        MessageForwarding.Forwarder forwarder = handingOverWhile("1", "2", "3", "4");

        assertThat(node.stats.messagesDropped()).isEqualTo(2);
        assertThat(node.registry.queuedBytes().used()).isEqualTo(2 * SIZE);
        forwarder.release();
        assertThat(forwarded()).containsExactly("3", "4");
    }

    @Test
    void itStopsAtTheBrokersQueuedBytesDroppingTheNewestAndCountingEach() {
        node = new RecordedNode("old", BrokerSettings.DEFAULT.withLimits(
                ResourceLimits.DEFAULT.withQueuedBytes(16 << 20, 16 << 20, 2 * SIZE + SIZE / 2)));

        MessageForwarding.Forwarder forwarder = handingOverWhile("1", "2", "3", "4");

        assertThat(node.stats.messagesDropped()).isEqualTo(2);
        assertThat(node.registry.queuedBytes().used()).isEqualTo(2 * SIZE);
        forwarder.release();
        assertThat(forwarded()).containsExactly("1", "2");
    }

    @Test
    void passingTheMessagesOnGivesTheirBytesBack() {
        node = new RecordedNode("old");
        MessageForwarding.Forwarder forwarder = handingOverWhile("1", "2");
        assertThat(node.registry.queuedBytes().used()).isEqualTo(2 * SIZE);

        forwarder.release();

        assertThat(node.registry.queuedBytes().used()).isZero();
        assertThat(forwarded()).containsExactly("1", "2");
    }

    @Test
    void aHandOverGivenUpGivesTheBytesBackToo() {
        node = new RecordedNode("old");
        MessageForwarding.Forwarder forwarder = handingOverWhile("1");

        forwarder.returnHere();

        assertThat(node.registry.queuedBytes().used()).isZero();
        assertThat(node.link.sent).isEmpty();
    }

    @Test
    void itLogsOneLinePerHoldHoweverManyItDrops() {
        node = new RecordedNode("old");
        sessionHoldingAtMost(2);
        Logger log = (Logger) LoggerFactory.getLogger(HandoverHold.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try {
            handingOverWhile(TEN);
        } finally {
            log.detachAppender(lines);
        }

        assertThat(node.stats.messagesDropped()).isEqualTo(8);
        assertThat(lines.list).singleElement().satisfies(e ->
                assertThat(e.getFormattedMessage()).contains("leaving", "reached the bounds of its queue"));
    }
}
