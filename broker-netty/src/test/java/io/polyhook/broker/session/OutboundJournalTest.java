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
}
