package io.auditbridge.detector.condition;

/**
 * A compiled condition. Evaluation is three-valued (Kleene): {@link #UNKNOWN} arises only when a comparison
 * reads a field the event declared missing, so an event without gaps always gets TRUE or FALSE.
 */
@FunctionalInterface
public interface Condition {
    int FALSE = 0;
    int TRUE = 1;
    int UNKNOWN = 2;

    int eval(EvalContext c);

    static int not(int v) {
        return v == UNKNOWN ? UNKNOWN : 1 - v;
    }
}
