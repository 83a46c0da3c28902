package io.auditbridge.detector.condition;

/** A condition that does not parse or does not compile; {@code offset} is where, in the condition text. */
public class ConditionSyntaxException extends RuntimeException {
    private final int offset;

    public ConditionSyntaxException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
