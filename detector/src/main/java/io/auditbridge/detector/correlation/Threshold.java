package io.auditbridge.detector.correlation;

import java.util.Locale;

/**
 * A count condition, as Sigma writes it ({@code gte: 10}). Rising thresholds ({@code gte}, {@code gt}) fire as soon
 * as they are met in a sliding window; the others ({@code lte}, {@code lt}, {@code eq}) can only be judged once
 * a window has closed.
 */
public record Threshold(Op op, long value) {
    public enum Op {
        GTE, GT, LTE, LT, EQ;

        String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Op parse(String s) {
            for (Op o : values()) {
                if (o.spelling().equals(s)) {
                    return o;
                }
            }
            return null;
        }
    }

    public boolean met(long count) {
        return switch (op) {
            case GTE -> count >= value;
            case GT -> count > value;
            case LTE -> count <= value;
            case LT -> count < value;
            case EQ -> count == value;
        };
    }

    /** True for gte/gt: met the moment enough events are seen, so a sliding window can fire early. */
    public boolean rising() {
        return op == Op.GTE || op == Op.GT;
    }

    /** For a rising threshold: how many events (or values) meet it. */
    public int needed() {
        return (int) (op == Op.GT ? value + 1 : value);
    }

    @Override
    public String toString() {
        return op.spelling() + " " + value;
    }
}
