package io.auditbridge.eks;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.BoundedHeapRun;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a 24 h backfill holds only the eventIds of its last overlap, not the day's, and its memory stays
 * under the in-flight bound plus a constant whatever the number of events. A whole {@code eks backfill} pipeline
 * ({@link DayLongBackfillMain}) in a child JVM under {@code -Xmx256m}, reading a day of generated events from an
 * in-memory CloudWatch Logs client into an acknowledging sink.
 *
 * <p>The 5,000,000 events by default (88 s on the 2-core machine at load 21-27, which the CI's 30 minutes
 * afford); {@code -Dauditbridge.backfill.events=1000000} for a quicker local run. Figures in bridge-eks/README.md.
 */
class DayLongBackfillMemoryTest {
    static final long EVENTS = Long.getLong("auditbridge.backfill.events", 5_000_000);
    /** The pipeline's in-flight bound by bytes ({@code --max-in-flight-bytes}, its default). */
    static final long IN_FLIGHT_MIB = 64;
    /**
     * What the JVM, the SDK model classes, Jackson, Micrometer and one 10,000-event page take besides it (a run of
     * one page measured 13 MiB after collections; 1M and 5M events both 63 MiB).
     */
    static final long CONSTANT_MIB = 96;

    @Test
    void aDayOfEventsIsDeliveredWithTheDedupeHoldingOnlyTheLastOverlapAndTheHeapBounded() throws Exception {
        BoundedHeapRun.Result run = BoundedHeapRun.run("256m", DayLongBackfillMain.class, List.of("--events", Long.toString(EVENTS),
                "--sink", "ack", "--max-in-flight-bytes", IN_FLIGHT_MIB + "MiB", "--log-level", "warn"), BoundedHeapRun.Input.NONE, 20);
        Matcher m = Pattern.compile("RESULT (.*)").matcher(run.stderrTail());
        assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.stderrTail()).isZero();
        assertThat(m.find()).as("RESULT line; stderr:%n%s", run.stderrTail()).isTrue();
        Map<String, String> r = Pattern.compile(" ").splitAsStream(m.group(1)).map(kv -> kv.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        System.out.println("day-long backfill of " + EVENTS + " events under -Xmx256m: " + m.group(1));

        assertThat(Long.parseLong(r.get("acknowledged"))).as("every event delivered").isEqualTo(EVENTS);
        // The ids of the last two minutes of the day (EVENTS/720 of them), plus one page read past that boundary.
        long inLastOverlap = EVENTS * 120_000 / DayLongBackfillMain.DAY + 1;
        assertThat(Long.parseLong(r.get("maxDedupe"))).as("eventIds held by the source").isPositive()
                .isLessThanOrEqualTo(inLastOverlap);
        assertThat(Long.parseLong(r.get("liveHeapMaxMiB"))).as("heap after a collection, at its largest")
                .isLessThan(IN_FLIGHT_MIB + CONSTANT_MIB);
    }
}
