package io.auditbridge.detector.output;

import java.util.Locale;

/**
 * What an output does once its retries are spent. {@link #BLOCK} (default) fails the batch, so the caller
 * back-pressures: the embedded sink retries the batch and commits no position, {@code serve} answers 503,
 * {@code evaluate} stops with exit 1. {@link #DROP} counts the alerts in
 * {@code auditbridge_detector_alerts_dropped_total{output}}, logs them, and lets the others go on.
 */
public enum FailurePolicy {
    BLOCK, DROP;

    public static FailurePolicy parse(String s) {
        return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
            case "block" -> BLOCK;
            case "drop" -> DROP;
            default -> throw new IllegalArgumentException("on-failure must be 'block' or 'drop', not '" + s + "'");
        };
    }
}
