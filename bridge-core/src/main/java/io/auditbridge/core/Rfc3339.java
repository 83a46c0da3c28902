package io.auditbridge.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/**
 * The one spelling of an RFC 3339 time that kube-apiserver and every bridge write,
 * {@code YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM)} with 1–9 fraction digits, read and written without java.time's
 * formatters, with two verdicts on what is in range: java.time's ({@link #canonicalEpochNanos}) and protobuf's
 * ({@link #canonicalInstant}).
 *
 * <p>Every Event's {@code stageTimestamp} is checked and converted; java.time's formatters cost more than the
 * rest of an evaluation (profiled, issue 15). This reads only that spelling, with in-range values, and answers
 * {@link #NOT_CANONICAL} for anything else, so callers keep java.time for the rest and their results stay exactly
 * what java.time gives (lower-case {@code t}/{@code z}, leap seconds, offsets with seconds, and so on).
 */
public final class Rfc3339 {
    /** The answer for text that is not the canonical spelling with in-range values (never a time this returns). */
    public static final long NOT_CANONICAL = Long.MIN_VALUE;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    // Years whose epoch nanoseconds fit a long with room to spare, so NOT_CANONICAL is never a real answer.
    private static final int MIN_YEAR = 1700;
    private static final int MAX_YEAR = 2200;
    /** {@code 0001-01-01T00:00:00Z} and {@code 9999-12-31T23:59:59Z}: a protobuf Timestamp's range. */
    private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;
    private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;
    private static final long INVALID = Long.MIN_VALUE;

    private Rfc3339() {}

    /** Nanoseconds since the epoch of the canonical spelling, or {@link #NOT_CANONICAL}. */
    public static long canonicalEpochNanos(String s) {
        // java.time's verdict: ZoneOffset stops at ±18:00; years kept where epoch nanoseconds fit a long.
        long epochSecond = epochSecond(s, MIN_YEAR, MAX_YEAR, 17);
        return epochSecond == INVALID ? NOT_CANONICAL : epochSecond * NANOS_PER_SECOND + fractionNanos(s);
    }

    /**
     * The instant of the canonical spelling within a protobuf Timestamp's range (years 1 to 9999, offsets to
     * ±23:59), exactly as protobuf's {@code Timestamps.parse} gives it (which runs SimpleDateFormat); null for
     * anything else, which the caller leaves to protobuf's JsonFormat to accept or refuse.
     */
    public static Instant canonicalInstant(String s) {
        long epochSecond = epochSecond(s, 1, 9999, 23);
        return epochSecond == INVALID || epochSecond < MIN_TIMESTAMP_SECONDS || epochSecond > MAX_TIMESTAMP_SECONDS
                ? null : Instant.ofEpochSecond(epochSecond, fractionNanos(s));
    }

    /**
     * {@code YYYY-MM-DDTHH:MM:SS.f…Z} in UTC with exactly {@code fractionDigits} digits, truncated (not rounded):
     * 6 is a Kubernetes MicroTime, 9 the {@code time} of Falco's JSON output. Written by hand: DateTimeFormatter
     * cost a tenth of a GKE translation and dominated the detector's alert formatting (profiled, issue 15).
     */
    public static String format(long epochSecond, int nanos, int fractionDigits) {
        LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400L));
        if (d.getYear() < 0 || d.getYear() > 9999) {
            return new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd'T'HH:mm:ss")
                    .appendFraction(ChronoField.NANO_OF_SECOND, fractionDigits, fractionDigits, true).appendLiteral('Z')
                    .toFormatter().withZone(ZoneOffset.UTC).format(Instant.ofEpochSecond(epochSecond, nanos));
        }
        char[] c = new char[21 + fractionDigits];
        writeDigits(c, 0, d.getYear(), 4);
        c[4] = '-';
        writeDigits(c, 5, d.getMonthValue(), 2);
        c[7] = '-';
        writeDigits(c, 8, d.getDayOfMonth(), 2);
        c[10] = 'T';
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        writeDigits(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        writeDigits(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        writeDigits(c, 17, secondOfDay % 60, 2);
        c[19] = '.';
        int fraction = nanos;
        for (int k = fractionDigits; k < 9; k++) {
            fraction /= 10;
        }
        writeDigits(c, 20, fraction, fractionDigits);
        c[20 + fractionDigits] = 'Z';
        return new String(c);
    }

    /**
     * The epoch second of {@code YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)} with a year in [minYear, maxYear], a real
     * date and time of day and an offset below {@code maxOffsetHours + 1} hours, or {@link #INVALID}.
     */
    private static long epochSecond(String s, int minYear, int maxYear, int maxOffsetHours) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return INVALID;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < minYear || year > maxYear || month < 1 || month > 12 || day < 1 || day > monthLength(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return INVALID;
        }
        int i = fractionEnd(s);
        if (i < 0) {
            return INVALID;
        }
        int offsetSeconds;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > maxOffsetHours || om < 0 || om > 59) {
                return INVALID;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return INVALID;
        }
        return epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    }

    /** The index just past the optional fraction at 19, or -1 when its '.' is followed by none or over nine digits. */
    private static int fractionEnd(String s) {
        int i = 19;
        if (s.charAt(i) != '.') {
            return i;
        }
        int start = ++i;
        while (i < s.length() && i - start < 10 && isDigit(s.charAt(i))) {
            i++;
        }
        return i - start < 1 || i - start > 9 ? -1 : i;
    }

    /** The fraction of a string {@link #epochSecond} accepted, in nanoseconds. */
    private static int fractionNanos(String s) {
        int end = fractionEnd(s);
        int nanos = end == 19 ? 0 : digits(s, 20, end - 20);
        for (int k = end - 20; k < 9; k++) {
            nanos *= 10;
        }
        return nanos;
    }

    /** The value of {@code count} ASCII digits at {@code from}, or -1 when any is not a digit. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** {@code value} as {@code width} decimal digits, zero-padded ({@code value} has at most that many). */
    private static void writeDigits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int monthLength(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days inverse, as java.time's LocalDate). */
    private static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yoe = y - era * 400;
        int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097L + doe - 719_468L;
    }
}
