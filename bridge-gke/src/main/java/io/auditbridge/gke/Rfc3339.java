package io.auditbridge.gke;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The RFC 3339 timestamps of LogEntry JSON ({@code 2026-11-30T01:02:03.4108Z}, {@code …+01:00}), parsed with
 * java.time in one pass. It accepts only the canonical shape {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:MM)} within
 * the range a protobuf Timestamp holds (years 1 to 9999), and gives for it exactly what protobuf's
 * {@code Timestamps.parse} gives (which runs SimpleDateFormat, a tenth of a translation). Anything else answers
 * null, and the caller leaves the entry to JsonFormat, which decides whether it is valid at all.
 */
final class Rfc3339 {
    /** {@code 0001-01-01T00:00:00Z} and {@code 9999-12-31T23:59:59Z}: protobuf Timestamp's range. */
    private static final long MIN_SECONDS = -62_135_596_800L;
    private static final long MAX_SECONDS = 253_402_300_799L;

    private Rfc3339() {}

    /** The instant, or null when {@code s} is not in the canonical shape or out of range. */
    static Instant parse(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 1 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i++) - '0');
            }
            if (i == start) {
                return null;
            }
            for (int k = i - start; k < 9; k++) {
                nanos *= 10;
            }
        }
        if (i >= n) {
            return null;
        }
        char zone = s.charAt(i);
        int offset;
        if (zone == 'Z') {
            if (i + 1 != n) {
                return null;
            }
            offset = 0;
        } else if (zone == '+' || zone == '-') {
            int oh = n == i + 6 && s.charAt(i + 3) == ':' ? digits(s, i + 1, 2) : -1;
            int om = oh < 0 ? -1 : digits(s, i + 4, 2);
            if (oh < 0 || om < 0 || oh > 23 || om > 59) {
                return null;
            }
            offset = (oh * 3600 + om * 60) * (zone == '+' ? 1 : -1);
        } else {
            return null;
        }
        long epochSeconds;
        try {
            epochSeconds = LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC) - offset;
        } catch (DateTimeException e) {
            return null; // February 30th, 24:00, a leap second: JsonFormat's verdict
        }
        return epochSeconds < MIN_SECONDS || epochSeconds > MAX_SECONDS ? null : Instant.ofEpochSecond(epochSeconds, nanos);
    }

    /** The decimal value of {@code width} digits at {@code at}, or -1 when one is not a digit. */
    private static int digits(String s, int at, int width) {
        int v = 0;
        for (int i = at; i < at + width; i++) {
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
}
