package io.auditbridge.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitPolicyTest {
    @Test
    void alwaysEveryNBatchesEveryIntervalAndTheirOr() {
        assertThat(CommitPolicy.always().shouldCommit(1, Duration.ZERO)).isTrue();
        CommitPolicy three = CommitPolicy.every(3);
        assertThat(three.shouldCommit(2, Duration.ofHours(1))).isFalse();
        assertThat(three.shouldCommit(3, Duration.ZERO)).isTrue();
        CommitPolicy fiveSeconds = CommitPolicy.every(Duration.ofSeconds(5));
        assertThat(fiveSeconds.shouldCommit(100, Duration.ofMillis(4999))).isFalse();
        assertThat(fiveSeconds.shouldCommit(1, Duration.ofSeconds(5))).isTrue();
        CommitPolicy either = fiveSeconds.or(CommitPolicy.every(100));
        assertThat(either.shouldCommit(100, Duration.ZERO)).isTrue();
        assertThat(either.shouldCommit(1, Duration.ofSeconds(6))).isTrue();
        assertThat(either.shouldCommit(99, Duration.ofSeconds(1))).isFalse();
        assertThatThrownBy(() -> CommitPolicy.every(0)).hasMessage("commit every n batches must be >= 1: 0");
    }

    @Test
    void theSnapshotNamesTheMostBackloggedPartition() {
        AckLedger ledger = new AckLedger(null);
        AckLedger.Entry a1 = ledger.register("a", "1", 1, null);
        ledger.register("a", "2", 1, null);
        ledger.register("b", "1", 1, null);
        ledger.register("b", "2", 1, null);
        ledger.register("b", "3", 1, null);
        a1.ack();
        AckLedger.Committable c = ledger.snapshot();
        assertThat(c.positions()).isEqualTo(Map.of("a", "1"));
        assertThat(c.pendingRecords()).isEqualTo(4);
        assertThat(c.mostBackloggedPartition()).isEqualTo("b");
        assertThat(c.mostBackloggedPending()).isEqualTo(3);
    }
}
