package io.auditbridge.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AckLedgerTest {
    @Test
    void commitsEachPartitionOnlyUpToItsFirstUnfinishedRecord() {
        AckLedger ledger = new AckLedger(null);
        AckLedger.Entry a1 = ledger.register("a", "1", 2, null);
        AckLedger.Entry a2 = ledger.register("a", "2", 1, null);
        AckLedger.Entry b1 = ledger.register("b", "10", 1, null);
        assertThat(ledger.committable()).isEmpty();

        a2.ack(); // out of order: a1 still pending holds partition a back
        b1.ack();
        assertThat(ledger.committable()).isEqualTo(Map.of("b", "10"));

        a1.ack();
        assertThat(ledger.committable()).isEqualTo(Map.of("b", "10"));
        assertThat(a1.ack()).isTrue();
        assertThat(ledger.committable()).isEqualTo(Map.of("a", "2", "b", "10"));
        assertThat(ledger.pendingRecords()).isZero();
    }

    @Test
    void recordsWithoutEventsAreDoneAtOnce() {
        AckLedger ledger = new AckLedger(null);
        ledger.register("a", "1", 0, null);
        ledger.register("a", "2", 0, null);
        assertThat(ledger.committable()).isEqualTo(Map.of("a", "2"));
    }

    @Test
    void aFailedRecordHoldsItsPartitionBack() {
        AckLedger ledger = new AckLedger(null);
        AckLedger.Entry a1 = ledger.register("a", "1", 1, null);
        AckLedger.Entry a2 = ledger.register("a", "2", 1, null);
        a1.fail();
        a2.ack();
        assertThat(ledger.committable()).isEmpty();
        assertThat(a1.isFailed()).isTrue();
    }

    @Test
    void ackingMoreThanTheEventCountIsABug() {
        AckLedger ledger = new AckLedger(null);
        AckLedger.Entry e = ledger.register("a", "1", 1, null);
        e.ack();
        assertThatThrownBy(e::ack).isInstanceOf(IllegalStateException.class).hasMessageContaining("a/1");
    }

    @Test
    void unpositionedRecordsAreNotTracked() {
        AckLedger ledger = new AckLedger(null);
        AckLedger.Entry e = ledger.register("-", null, 1, null);
        assertThat(e.ack()).isTrue();
        assertThat(ledger.committable()).isEmpty();
    }
}
