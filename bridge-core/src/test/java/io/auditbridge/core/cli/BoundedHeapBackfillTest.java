package io.auditbridge.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.BoundedHeapRun;
import io.auditbridge.core.testing.FileBridgeMain;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15: a backfill of 1M events from a (generated) source completes under -Xmx256m, every event delivered. */
class BoundedHeapBackfillTest {
    private static final long EVENTS = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void aBackfillOfOneMillionEventsCompletesUnder256MiBOfHeap() throws Exception {
        // Its own checkpoint file: the default (in the working directory) would survive the run and make the next
        // run in the same tree resume at the end.
        BoundedHeapRun.Result r = BoundedHeapRun.run("256m", FileBridgeMain.class,
                List.of("run", "--generate", Long.toString(EVENTS), "--sink", "console",
                        "--checkpoint-file", dir.resolve("checkpoint.json").toString()), BoundedHeapRun.Input.NONE, 20);

        assertThat(r.exitCode()).as(r.stderrTail()).isZero();
        assertThat(r.stdoutLines()).as(r.stderrTail()).isEqualTo(EVENTS);
    }
}
