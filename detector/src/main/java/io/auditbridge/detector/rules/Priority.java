package io.auditbridge.detector.rules;

import java.util.Locale;

/** Falco's priorities, most severe first; the JSON output spells them as {@link #label}. */
public enum Priority {
    EMERGENCY("Emergency"), ALERT("Alert"), CRITICAL("Critical"), ERROR("Error"), WARNING("Warning"),
    NOTICE("Notice"), INFORMATIONAL("Informational"), DEBUG("Debug");

    private final String label;

    Priority(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Parses a rules file's spelling, case-insensitive; {@code INFO} is {@code INFORMATIONAL}. */
    public static Priority parse(String s) {
        String u = s.trim().toUpperCase(Locale.ROOT);
        if (u.equals("INFO")) {
            return INFORMATIONAL;
        }
        for (Priority p : values()) {
            if (p.name().equals(u)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown priority '" + s + "' (expected one of emergency, alert, critical, "
                + "error, warning, notice, informational/info, debug)");
    }
}
