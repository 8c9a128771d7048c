package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.ForwardedMessage;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ResourceLimits;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.ClientAttachment;
import io.polyhook.broker.session.QueuePolicy;
import io.polyhook.broker.session.RecordingConnection;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

    private RecordedNode node;

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
        node.registry.connect(new ClientAttachment(S, false, 3600, node.dispatcher.newLane(S.clientId()),
                MqttVersion.V5, new QueuePolicy(2, false, false), Optional.empty(), true), new RecordingConnection());

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
}
