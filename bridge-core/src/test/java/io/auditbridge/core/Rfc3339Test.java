package io.auditbridge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The canonical-spelling reader agrees with java.time wherever it answers, and declines everything else. */
class Rfc3339Test {
    private static Long javaTime(String s) {
        try {
            Instant i = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            Instant viaInstantParse = Instant.parse(s);
            assertThat(viaInstantParse).as("Instant.parse and ISO_OFFSET_DATE_TIME agree on %s", s).isEqualTo(i);
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Test
    void readsWhatKubeApiserverAndTheBridgesWrite() {
        assertThat(Rfc3339.canonicalEpochNanos("2025-12-01T08:00:00.003456Z")).isEqualTo(1_764_576_000_003_456_000L);
        assertThat(Rfc3339.canonicalEpochNanos("1970-01-01T00:00:00Z")).isZero();
        assertThat(Rfc3339.canonicalEpochNanos("1969-12-31T23:59:59.999999999Z")).isEqualTo(-1);
        assertThat(Rfc3339.canonicalEpochNanos("2026-11-30T03:00:00.5+02:00")).isEqualTo(javaTime("2026-11-30T01:00:00.5Z"));
    }

    @Test
    void agreesWithJavaTimeOnRandomCanonicalTimes() {
        Random rnd = new Random(15);
        for (int k = 0; k < 20_000; k++) {
            long second = -8_000_000_000L + (long) (rnd.nextDouble() * 15_000_000_000L); // 1716 … 2445
            int nano = rnd.nextInt(1_000_000_000);
            int digits = rnd.nextInt(10);
            ZoneOffset offset = rnd.nextBoolean() ? ZoneOffset.UTC : ZoneOffset.ofTotalSeconds(60 * (rnd.nextInt(2 * 18 * 60 + 1) - 18 * 60));
            OffsetDateTime t = Instant.ofEpochSecond(second, nano).atOffset(offset);
            String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                    t.getHour(), t.getMinute(), t.getSecond())
                    + (digits == 0 ? "" : "." + String.format("%09d", t.getNano()).substring(0, digits))
                    + (offset.equals(ZoneOffset.UTC) ? "Z" : offset.getId());
            long fast = Rfc3339.canonicalEpochNanos(text);
            Long expected = javaTime(text);
            assertThat(expected).as(text).isNotNull();
            if (t.getYear() >= 1700 && t.getYear() <= 2200 && Math.abs(offset.getTotalSeconds()) < 18 * 3600) {
                assertThat(fast).as(text).isEqualTo(expected);
            } else if (fast != Rfc3339.NOT_CANONICAL) {
                assertThat(fast).as(text).isEqualTo(expected);
            }
        }
    }

    @Test
    void whereverItAnswersOnMangledTextJavaTimeAgrees() {
        Random rnd = new Random(3339);
        String alphabet = "0123456789-:.TtZz+ ,";
        String[] seeds = {"2026-11-30T01:00:00.123456Z", "2024-02-29T23:59:59+05:30", "2026-12-31T00:00:00.1-00:00"};
        for (int k = 0; k < 50_000; k++) {
            StringBuilder s = new StringBuilder(seeds[k % seeds.length]);
            for (int m = rnd.nextInt(3) + 1; m > 0; m--) {
                int at = rnd.nextInt(s.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> s.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    case 1 -> s.deleteCharAt(at);
                    default -> s.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
            }
            String text = s.toString();
            long fast = Rfc3339.canonicalEpochNanos(text);
            if (fast != Rfc3339.NOT_CANONICAL) {
                assertThat(fast).as(text).isEqualTo(javaTime(text));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-30t01:00:00.5z", "2026-11-30T01:00:00,5Z", "2026-02-29T01:00:00Z", "2026-11-30T23:59:60Z",
            "2026-11-30T24:00:00Z", "2026-11-30T01:00:00", "2026-11-30 01:00:00Z", "2026-11-30T01:00:00.1234567890Z",
            "2026-11-30T01:00:00+0200", "2026-11-30T01:00:00.Z", "2026-11-30T01:00:00+18:00", "2026-11-30T01:00:00+02:00:30",
            "+2026-11-30T01:00:00Z", "12026-11-30T01:00:00Z", "1600-01-01T00:00:00Z", "2026-11-30T01:00:00Z ", ""})
    void declinesEveryOtherSpelling(String text) {
        assertThat(Rfc3339.canonicalEpochNanos(text)).isEqualTo(Rfc3339.NOT_CANONICAL);
    }

    @Test
    void writesSixOrNineDigitsTruncatedNotRounded() {
        assertThat(Rfc3339.format(1_796_007_723L, 410_800_000, 6)).isEqualTo("2026-11-30T03:02:03.410800Z");
        assertThat(Rfc3339.format(0, 999_999_999, 6)).isEqualTo("1970-01-01T00:00:00.999999Z");
        assertThat(Rfc3339.format(-1, 999_999_999, 9)).isEqualTo("1969-12-31T23:59:59.999999999Z");
    }

    /** The hand-written writer against DateTimeFormatter over a protobuf Timestamp's whole range and beyond it. */
    @Test
    void theWriterAgreesWithDateTimeFormatter() {
        DateTimeFormatter micro = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
        DateTimeFormatter nano = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
        Random random = new Random(20261130); // fixed seed: the same 5000 instants on every run
        for (int i = 0; i < 5000; i++) {
            // years -100 to 10100: the hand-written range (0 to 9999) and the java.time fall-back on either side
            long secs = -65_300_000_000L + (long) (random.nextDouble() * (256_600_000_000L + 65_300_000_000L));
            int nanos = random.nextInt(1_000_000_000);
            Instant t = Instant.ofEpochSecond(secs, nanos);
            assertThat(Rfc3339.format(secs, nanos, 6)).as("%d s %d ns", secs, nanos).isEqualTo(micro.format(t));
            assertThat(Rfc3339.format(secs, nanos, 9)).as("%d s %d ns", secs, nanos).isEqualTo(nano.format(t));
        }
    }
}
