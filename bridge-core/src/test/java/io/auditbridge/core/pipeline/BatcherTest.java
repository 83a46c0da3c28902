package io.auditbridge.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.EventWriter;
import io.auditbridge.core.testing.SampleEvents;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatcherTest {
    private final AckLedger ledger = new AckLedger(null);

    private PendingEvent pending(int i) {
        return PendingEvent.of(SampleEvents.event(i), ledger.register("p", Integer.toString(i), 1, null));
    }

    @Test
    void dueByCountAtExactlyMaxEvents() {
        Batcher b = new Batcher(new BatchLimits(3, 10 * 1024 * 1024, Duration.ofHours(1), 256 * 1024));
        b.add(pending(1), 0);
        b.add(pending(2), 0);
        assertThat(b.isDue(0)).isFalse();
        b.add(pending(3), 0);
        b.add(pending(4), 0);
        assertThat(b.isDue(0)).isTrue();
        assertThat(b.take()).hasSize(3);
        assertThat(b.size()).isEqualTo(1);
        assertThat(b.isDue(0)).isFalse();
    }

    @Test
    void dueByBytesAndNeverOverTheByteLimit() {
        int eventSize = pending(1).size();
        long limit = EventWriter.LIST_OVERHEAD + 3L * (eventSize + 1) + eventSize / 2; // room for 3.5 events
        Batcher b = new Batcher(new BatchLimits(1000, Math.max(limit, 1024), Duration.ofHours(1), eventSize));
        for (int i = 1; i <= 3; i++) {
            b.add(pending(i), 0);
        }
        assertThat(b.isDue(0)).isFalse();
        b.add(pending(4), 0);
        assertThat(b.isDue(0)).isTrue();
        var batch = b.take();
        assertThat(batch).hasSize(3);
        long body = EventWriter.toEventList(batch.stream().map(PendingEvent::event).toList()).length;
        assertThat(body).isLessThanOrEqualTo(limit);
        assertThat(b.size()).isEqualTo(1);
    }

    @Test
    void dueByAgeOfTheOldestEvent() {
        Batcher b = new Batcher(new BatchLimits(500, 10 * 1024 * 1024, Duration.ofMillis(1000), 256 * 1024));
        assertThat(b.millisUntilDue(0)).isEqualTo(Long.MAX_VALUE);
        b.add(pending(1), 10_000);
        b.add(pending(2), 10_600);
        assertThat(b.isDue(10_999)).isFalse();
        assertThat(b.millisUntilDue(10_999)).isEqualTo(1);
        assertThat(b.isDue(11_000)).isTrue();
        assertThat(b.take()).hasSize(2);
    }

    @Test
    void aSingleEventAtTheByteLimitStillMakesABatch() {
        PendingEvent big = PendingEvent.of(SampleEvents.large(1, 3000), ledger.register("p", "1", 1, null));
        Batcher b = new Batcher(new BatchLimits(10, 4096, Duration.ofHours(1), 3968));
        b.add(big, 0);
        assertThat(b.take()).containsExactly(big);
    }
}
