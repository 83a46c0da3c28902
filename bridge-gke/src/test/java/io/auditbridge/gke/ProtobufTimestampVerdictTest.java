package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.auditbridge.core.Rfc3339;
import com.google.protobuf.util.Timestamps;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Core's {@code Rfc3339.canonicalInstant} (the GKE JSON path's time reader) against protobuf's own {@code Timestamps.parse}, which JsonFormat uses. */
class ProtobufTimestampVerdictTest {
    @Test
    void agreesWithProtobufOnRandomInstantsFractionsAndOffsets() throws Exception {
        Random random = new Random(20261205); // fixed seed: the same 5000 timestamps on every run
        for (int i = 0; i < 5000; i++) {
            long secs = -62_135_596_800L + 86_400 + (long) (random.nextDouble() * (253_402_300_799L + 62_135_596_800L - 2 * 86_400));
            LocalDateTime local = LocalDateTime.ofEpochSecond(secs, 0, ZoneOffset.UTC);
            StringBuilder s = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d", local.getYear(),
                    local.getMonthValue(), local.getDayOfMonth(), local.getHour(), local.getMinute(), local.getSecond()));
            int digits = random.nextInt(10);
            if (digits > 0) {
                s.append('.');
                for (int d = 0; d < digits; d++) {
                    s.append((char) ('0' + random.nextInt(10)));
                }
            }
            switch (random.nextInt(3)) {
                case 0 -> s.append('Z');
                case 1 -> s.append(String.format("+%02d:%02d", random.nextInt(24), random.nextInt(60)));
                default -> s.append(String.format("-%02d:%02d", random.nextInt(24), random.nextInt(60)));
            }
            Timestamp expected = Timestamps.parse(s.toString());
            assertThat(Rfc3339.canonicalInstant(s.toString())).as(s.toString())
                    .isEqualTo(Instant.ofEpochSecond(expected.getSeconds(), expected.getNanos()));
        }
    }

    @Test
    void theLimitsOfAProtobufTimestamp() throws Exception {
        assertThat(Rfc3339.canonicalInstant("0001-01-01T00:00:00Z")).isEqualTo(Instant.ofEpochSecond(Timestamps.parse("0001-01-01T00:00:00Z").getSeconds()));
        assertThat(Rfc3339.canonicalInstant("9999-12-31T23:59:59.999999999Z")).isEqualTo(Instant.parse("9999-12-31T23:59:59.999999999Z"));
        assertThat(Rfc3339.canonicalInstant("0001-01-01T00:00:00+00:01")).isNull();
        assertThatThrownBy(() -> Timestamps.parse("0001-01-01T00:00:00+00:01")).isInstanceOf(java.text.ParseException.class);
        assertThat(Rfc3339.canonicalInstant("9999-12-31T23:59:59-00:01")).isNull();
    }

    /** Not the canonical shape: left to JsonFormat, which accepts some of them and refuses the rest. */
    @ParameterizedTest
    @ValueSource(strings = {"", "2026-11-30", "2026-11-30T01:02:03", "2026-11-30T01:02:03.Z", "2026-11-30t01:02:03Z",
        "2026-11-30T01:02:03z", "2026-11-30T01:02:03.1234567890Z", "2026-02-29T01:02:03Z", "2026-11-30T24:00:00Z",
        "2026-11-30T23:59:60Z", "2026-11-30T01:02:03+1:00", "2026-11-30T01:02:03+01:60", "2026-11-30T01:02:03+0100",
        "2026-11-30T01:02:03Z ", "0000-01-01T00:00:00Z", "2026-1-30T01:02:03Z", "+2026-11-30T01:02:03Z"})
    void otherSpellingsAreLeftToJsonFormat(String s) {
        assertThat(Rfc3339.canonicalInstant(s)).isNull();
    }
}
