package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.core.SourceRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
    @Test
    void everyRecordArrivesInOrderAcrossBatches() throws Exception {
        int n = ReadAhead.BATCH * ReadAhead.DEPTH * 3 + 7;
        List<String> seen = new ArrayList<>();
        ReadAhead.<Integer>run("t", out -> {
            for (int i = 0; i < n; i++) {
                out.accept(SourceRecord.unpositioned("r" + i, i));
            }
        }, r -> seen.add(r.id()));
        assertThat(seen).hasSize(n).first().isEqualTo("r0");
        for (int i = 0; i < n; i++) {
            assertThat(seen.get(i)).isEqualTo("r" + i);
        }
    }

    @Test
    void theParsersFailureComesAfterTheRecordsReadBeforeIt() {
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> ReadAhead.<Integer>run("t", out -> {
            for (int i = 0; i < 100; i++) {
                out.accept(SourceRecord.unpositioned("r" + i, i));
            }
            throw new IllegalArgumentException("malformed JSON after entry 100");
        }, r -> seen.add(r.id()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 100");
        assertThat(seen).hasSize(100);

        assertThatThrownBy(() -> ReadAhead.<Integer>run("t", out -> {
            throw new IOException("disk gone");
        }, r -> seen.add(r.id()))).isInstanceOf(IOException.class).hasMessage("disk gone");
    }

    @Test
    void aFailingConsumerStopsTheParserInsteadOfLettingItReadOn() throws Exception {
        AtomicInteger produced = new AtomicInteger();
        Thread[] parser = new Thread[1];
        assertThatThrownBy(() -> ReadAhead.<Integer>run("t", out -> {
            parser[0] = Thread.currentThread();
            for (int i = 0; i < 1_000_000; i++) {
                out.accept(SourceRecord.unpositioned("r" + i, i));
                produced.incrementAndGet();
            }
        }, r -> {
            throw new InterruptedException("stopped");
        })).isInstanceOf(InterruptedException.class);
        parser[0].join(10_000);
        assertThat(parser[0].isAlive()).isFalse();
        // bounded: the parser got at most the queue's worth (plus the batch it was filling) ahead
        assertThat(produced.get()).isLessThanOrEqualTo(ReadAhead.BATCH * (ReadAhead.DEPTH + 2));
    }
}
