package io.polyhook.broker.session;

import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.broker.routing.DeliveryTarget;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.store.Appended;
import io.polyhook.broker.store.InMemoryBrokerStore;
import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.Bytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which of a persistent session's routed messages its connection gets from the journal, and when. */
class OutboundJournalTest {

    private static final SubscriberId ID = new SubscriberId("", "c");

    private final InMemoryBrokerStore store = new InMemoryBrokerStore();
    private final List<String> delivered = new ArrayList<>();
    private final DeliveryTarget connection = m -> delivered.add(m.topic());
    private final OutboundJournal journal;

    OutboundJournalTest() {
        try (StoreBatch b = store.batch()) {
            b.putSession(StoredSession.connected(ID, MqttVersion.V5, 3600));
            b.commit();
        }
        journal = new OutboundJournal(store, ID, false, connection);
    }

    @AfterEach
    void close() {
        journal.close();
        store.close();
    }

    private static Message msg(String topic) {
        return Message.of(topic, 1, Bytes.wrap(new byte[] {1}), false, MqttProperties.EMPTY, "p");
    }

    private static List<String> topics(List<Message> page) {
        return page.stream().map(Message::topic).toList();
    }

    /** Appends {@code m} in a batch of its own, not committed yet: its number is taken now. */
    private StoreBatch appendUncommitted(Message m, long[] seq) {
        StoreBatch b = store.batch();
        Appended a = b.append(ID, StoredMessage.of(m, System.nanoTime(), System.currentTimeMillis()), QueueLimits.NONE);
        seq[0] = a.seq();
        return b;
    }

    private void routedNow(Message m) {
        long[] seq = new long[1];
        try (StoreBatch b = appendUncommitted(m, seq)) {
            b.commit();
        }
        journal.routed(m, seq[0], null);
    }

    @Test
    void aMessageWhoseBatchCommitsAfterTheQueueWasReadPastItsNumberGoesOutAtOnce() {
        Message late = msg("late");
        long[] lateSeq = new long[1];
        StoreBatch lateBatch = appendUncommitted(late, lateSeq);
        routedNow(msg("early"));                         // a higher number, committed first
        assertThat(topics(journal.page(10))).containsExactly("early");
        assertThat(journal.page(10)).isEmpty();          // read to its end: live from now on

        try (lateBatch) {
            lateBatch.commit();
        }
        journal.routed(late, lateSeq[0], null);

        assertThat(delivered).containsExactly("late");
        assertThat(journal.inQueue(late)).isTrue();
    }

    @Test
    void aMessageAPageBroughtIsNotHandedOutAgainWhenItsRoutingArrivesLate() {
        Message m = msg("once");
        long[] seq = new long[1];
        try (StoreBatch b = appendUncommitted(m, seq)) {
            b.commit();
        }
        List<Message> page = journal.page(10);
        assertThat(topics(page)).containsExactly("once");
        assertThat(journal.page(10)).isEmpty();

        journal.routed(m, seq[0], null);                       // still queued, in the page's hands
        journal.sent(page.get(0), 1);
        journal.commit();                                // moved in flight: out of the queue
        journal.routed(m, seq[0], null);

        assertThat(delivered).isEmpty();
    }

    @Test
    void messagesRoutedWhileTheQueueIsReadComeOutThroughThePagesOnly() {
        routedNow(msg("a"));
        routedNow(msg("b"));
        assertThat(delivered).isEmpty();
        assertThat(topics(journal.page(10))).containsExactly("a", "b");
        assertThat(journal.page(10)).isEmpty();

        routedNow(msg("c"));
        assertThat(delivered).containsExactly("c");
    }

    private Message sentFromQueue(String topic, int qos, int packetId) {
        Message m = qos == 1 ? msg(topic) : Message.of(topic, qos, Bytes.wrap(new byte[] {2}), false, MqttProperties.EMPTY, "p");
        long[] seq = new long[1];
        try (StoreBatch b = appendUncommitted(m, seq)) {
            b.commit();
        }
        List<Message> page = journal.page(10);
        assertThat(topics(page)).containsExactly(topic);
        journal.sent(page.get(0), packetId);
        journal.commit();                                // the flush that sends the PUBLISH
        return page.get(0);
    }

    private List<Integer> inFlightIds() {
        List<Integer> ids = new ArrayList<>();
        store.recover(r -> r.inFlight().forEach(e -> ids.add(e.packetId())));
        return ids;
    }

    private long storedQueue() {
        return store.queueSize(ID).messages();
    }

    @Test
    void aQos1MessageSentFromTheQueueStaysQueuedUntilItsAcknowledgementRemovesIt() {
        sentFromQueue("q1", 1, 7);

        // A crash now finds it queued: delivered again, at least once.
        assertThat(inFlightIds()).isEmpty();
        assertThat(storedQueue()).isEqualTo(1);

        journal.acknowledged(7);
        journal.commit();

        assertThat(inFlightIds()).isEmpty();
        assertThat(storedQueue()).isZero();
        assertThat(journal.page(10)).isEmpty();
    }

    @Test
    void aQos1MessageStillUnacknowledgedWhenTheConnectionGoesMovesInFlightWithItsPacketId() {
        sentFromQueue("q1", 1, 7);

        journal.close();

        assertThat(inFlightIds()).containsExactly(7);
        assertThat(storedQueue()).isZero();
    }

    @Test
    void aQos2MessageMovesInFlightBeforeItsPublishLeaves() {
        sentFromQueue("q2", 2, 9);

        assertThat(inFlightIds()).containsExactly(9);
        assertThat(storedQueue()).isZero();
    }
}
