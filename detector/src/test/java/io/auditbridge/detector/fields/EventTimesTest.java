package io.auditbridge.detector.fields;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written alert time formats print what java.time prints. */
class EventTimesTest {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC);

    @Test
    void isoAndClockMatchJavaTimeBeforeAndAfterTheEpoch() {
        Random rnd = new Random(15);
        for (int k = 0; k < 20_000; k++) {
            long nanos = rnd.nextLong(); // 1677 … 2262
            Instant t = EventTimes.instant(nanos);
            assertThat(EventTimes.iso(nanos)).as("%d", nanos).isEqualTo(ISO.format(t));
            assertThat(EventTimes.clock(nanos)).as("%d", nanos).isEqualTo(CLOCK.format(t));
        }
        assertThat(EventTimes.iso(0)).isEqualTo("1970-01-01T00:00:00.000000000Z");
        assertThat(EventTimes.iso(-1)).isEqualTo("1969-12-31T23:59:59.999999999Z");
        assertThat(EventTimes.clock(1_764_576_000_003_456_000L)).isEqualTo("08:00:00.003456000");
    }

    @Test
    void stageTimestampsInAnySpellingJavaTimeAccepts() {
        assertThat(EventTimes.parseNanos("2025-12-01T08:00:00.003456Z")).isEqualTo(1_764_576_000_003_456_000L);
        assertThat(EventTimes.parseNanos("2025-12-01t10:00:00.003456+02:00")).isEqualTo(1_764_576_000_003_456_000L);
        assertThat(EventTimes.parseNanos("not a time")).isZero();
        assertThat(EventTimes.parseNanos(null)).isZero();
    }
}
