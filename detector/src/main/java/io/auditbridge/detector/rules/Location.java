package io.auditbridge.detector.rules;

/** A place in a rules file, 1-based line; printed as {@code file:line}. */
public record Location(String file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
