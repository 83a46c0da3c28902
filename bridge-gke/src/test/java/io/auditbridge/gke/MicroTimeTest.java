package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import java.util.Random;

class MicroTimeTest {
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void sixDigitsTruncatedNotRounded() {
        assertThat(LogEntryTranslator.microTime(Timestamp.newBuilder().setSeconds(1796007723L).setNanos(410800000).build()))
                .isEqualTo("2026-11-30T03:02:03.410800Z");
        assertThat(LogEntryTranslator.microTime(Timestamp.newBuilder().setSeconds(0).setNanos(999_999_999).build()))
                .isEqualTo("1970-01-01T00:00:00.999999Z");
    }

    @Test
    void handWrittenFormatAgreesWithDateTimeFormatter() {
        Random random = new Random(20261130); // fixed seed: the same 5000 instants on every run
        for (int i = 0; i < 5000; i++) {
            long secs = -62_135_596_800L + (long) (random.nextDouble() * (253_402_300_799L + 62_135_596_800L));
            int nanos = random.nextInt(1_000_000_000);
            assertThat(LogEntryTranslator.microTime(Timestamp.newBuilder().setSeconds(secs).setNanos(nanos).build()))
                    .as("%d s %d ns", secs, nanos)
                    .isEqualTo(REFERENCE.format(Instant.ofEpochSecond(secs, nanos).truncatedTo(ChronoUnit.MICROS)));
        }
    }
}
