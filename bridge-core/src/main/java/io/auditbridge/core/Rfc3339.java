package io.auditbridge.core;

/**
 * The one spelling of an RFC 3339 time that kube-apiserver and every bridge write,
 * {@code YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM)} with 1–9 fraction digits, read without java.time.
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

    private Rfc3339() {}

    /** Nanoseconds since the epoch of the canonical spelling, or {@link #NOT_CANONICAL}. */
    public static long canonicalEpochNanos(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return NOT_CANONICAL;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > monthLength(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return NOT_CANONICAL;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 10 && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            int count = i - start;
            if (count < 1 || count > 9) {
                return NOT_CANONICAL;
            }
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > 17 || om < 0 || om > 59) {
                return NOT_CANONICAL;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return NOT_CANONICAL;
        }
        long epochSecond = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return epochSecond * NANOS_PER_SECOND + nanos;
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
