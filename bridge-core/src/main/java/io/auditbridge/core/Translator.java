package io.auditbridge.core;

/**
 * Turns one provider record into zero or more audit Events, plus per-record errors and skips.
 *
 * <p>A pure function: no I/O, no clock, no shared mutable state beyond counters, so {@code translate},
 * {@code run}, {@code backfill} and the serverless handlers share it. It never throws for bad input; it
 * reports it in the {@link Translation}.
 */
@FunctionalInterface
public interface Translator<T> {
    Translation translate(SourceRecord<T> record);
}
