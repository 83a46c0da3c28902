package io.auditbridge.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.BoundedHeapRun;
import io.auditbridge.core.testing.FileBridgeMain;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 15: a backfill of 1M events from a (generated) source completes under -Xmx256m, every event delivered. */
class BoundedHeapBackfillTest {
    private static final long EVENTS = 1_000_000;

    @Test
    void aBackfillOfOneMillionEventsCompletesUnder256MiBOfHeap() throws Exception {
        BoundedHeapRun.Result r = BoundedHeapRun.run("256m", FileBridgeMain.class,
                List.of("run", "--generate", Long.toString(EVENTS), "--sink", "console"), BoundedHeapRun.Input.NONE, 20);

        assertThat(r.exitCode()).as(r.stderrTail()).isZero();
        assertThat(r.stdoutLines()).as(r.stderrTail()).isEqualTo(EVENTS);
    }
}
