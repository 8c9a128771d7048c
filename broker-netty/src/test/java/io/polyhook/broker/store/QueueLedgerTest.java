package io.polyhook.broker.store;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue accounting a store keeps while batches commit in any order. */
class QueueLedgerTest {

    /** The committed queue, as a store would read it. */
    private final TreeMap<Long, Integer> committed = new TreeMap<>();
    private final QueueLedger.Committed view = new QueueLedger.Committed() {
        @Override
        public QueueLedger.Slot firstAtOrAfter(long seq) {
            Map.Entry<Long, Integer> e = committed.ceilingEntry(seq);
            return e == null ? null : new QueueLedger.Slot(e.getKey(), e.getValue());
        }

        @Override
        public void forEachBetween(long from, long toInclusive, QueueLedger.SlotConsumer each) {
            committed.subMap(from, true, toInclusive, true).forEach(each::accept);
        }
    };
    private final QueueLedger ledger = QueueLedger.empty(new QueueLedger.Totals());

    private void commit(QueueLedger.Admission a) {
        a.dropped().forEach(s -> committed.remove(s.seq()));
        committed.put(a.seq(), a.weight());
        ledger.settle(a);
    }

    @Test
    void aMessageDroppedBehindAnUnsettledAppendIsNotRemovedASecondTime() {
        QueueLimits two = QueueLimits.messages(2);
        QueueLedger.Admission older = ledger.admit(10, two, view); // its batch has not committed yet
        commit(ledger.admit(10, two, view));                        // seq 1, committed
        // The owner reads a page now: it holds seq 1.
        QueueLedger.Admission third = ledger.admit(10, two, view);  // the queue is full: drops seq 1
        assertThat(third.dropped()).extracting(QueueLedger.Slot::seq).containsExactly(1L);
        commit(third);
        commit(older);

        // The owner, with its page read before the drop, tries to remove seq 1: it is gone.
        assertThat(ledger.reserveRemoval(1, 10)).isEqualTo(-1);
        assertThat(ledger.size().messages()).isEqualTo(committed.size()).isEqualTo(2);
    }

    @Test
    void removalsAtTheHeadMoveLowPastWhatIsGone() {
        QueueLimits two = QueueLimits.messages(2);
        QueueLedger.Admission older = ledger.admit(10, two, view);
        commit(ledger.admit(10, two, view));
        commit(ledger.admit(10, two, view)); // drops seq 1 while seq 0 is unsettled: low stays at 0
        commit(older);
        assertThat(ledger.low()).isZero();

        assertThat(ledger.reserveRemoval(0, 10)).isEqualTo(10);
        ledger.settleRemoval(0);
        committed.remove(0L);
        // Seq 1 went earlier, so the head is now seq 2.
        assertThat(ledger.low()).isEqualTo(2);
        assertThat(ledger.size().messages()).isEqualTo(committed.size()).isEqualTo(1);
    }

    @Test
    void anAppendUndoneLeavesNoHoleLowCannotPass() {
        QueueLimits many = QueueLimits.messages(100);
        QueueLedger.Admission failed = ledger.admit(10, many, view);
        commit(ledger.admit(10, many, view));
        ledger.undo(failed); // seq 0 was never written
        assertThat(ledger.low()).isEqualTo(1);
        assertThat(ledger.reserveRemoval(1, 10)).isEqualTo(10);
        ledger.settleRemoval(1);
        assertThat(ledger.low()).isEqualTo(2);
        assertThat(ledger.size().messages()).isZero();
    }
}
