package io.auditbridge.detector.engine;

import java.util.Locale;

/**
 * Falco's {@code rule_matching}: {@link #FIRST} (Falco's default since 0.36) raises at most one alert per event,
 * for the first enabled rule in load order whose condition holds; {@link #ALL} raises one per matching rule.
 */
public enum RuleMatching {
    FIRST, ALL;

    /** @throws IllegalArgumentException for anything but {@code first} or {@code all} */
    public static RuleMatching parse(String s) {
        return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
            case "first" -> FIRST;
            case "all" -> ALL;
            default -> throw new IllegalArgumentException("rule matching must be 'first' or 'all', not '" + s + "'");
        };
    }
}
