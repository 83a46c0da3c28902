package io.auditbridge.detector.correlation;

import java.util.Locale;

/** The four Sigma correlation types, spelled in rules files as Sigma spells them. */
public enum CorrelationType {
    /** At least (or at most) N matching events in the group within the timespan. */
    EVENT_COUNT,
    /** At least (or at most) N distinct values of one field in the group within the timespan. */
    VALUE_COUNT,
    /** Every listed base rule matched in the group within the timespan, in any order. */
    TEMPORAL,
    /** Every listed base rule matched in the group within the timespan, in the listed order. */
    TEMPORAL_ORDERED;

    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return null when {@code s} names no type */
    public static CorrelationType parse(String s) {
        for (CorrelationType t : values()) {
            if (t.spelling().equals(s)) {
                return t;
            }
        }
        return null;
    }

    boolean counts() {
        return this == EVENT_COUNT || this == VALUE_COUNT;
    }
}
