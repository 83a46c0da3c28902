package io.auditbridge.core.push;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a push may take, derived one way for every push entry point from the deadline its caller imposes
 * (a receiver's {@code --request-timeout}, a serverless function's {@code --invocation-timeout}):
 *
 * <ul>
 *   <li>{@link #retry()}: how long the pipeline retries a failing sink before handing the failure back,
 *       two thirds of the deadline unless {@code --max-retry-duration} says otherwise (it must then be shorter
 *       than the deadline). The last third leaves room for the attempt still in flight when the budget ends.</li>
 *   <li>{@link #answerWithin()}: how long the entry point waits for the sink's acknowledgement before it
 *       answers "not delivered": the deadline less a small margin (2 s, or a quarter of a short deadline) to
 *       write the answer before the caller gives up on it.</li>
 * </ul>
 *
 * {@link #UNBOUNDED} is for subscribers that hold their position instead of answering (Event Hubs): they wait
 * as long as it takes and never hand a failure back on time.
 */
public record PushBudget(Duration deadline, Duration retry, Duration answerWithin) {
    private static final Duration MAX_MARGIN = Duration.ofSeconds(2);

    /** No deadline: wait until delivered or stopping; the pipeline's own retry settings apply. */
    public static final PushBudget UNBOUNDED = new PushBudget(null, null, null);

    public PushBudget {
        if ((deadline == null) != (answerWithin == null)) {
            throw new IllegalArgumentException("deadline and answerWithin go together");
        }
    }

    /**
     * The budget for a caller that gives up after {@code deadline}.
     *
     * @param explicitRetry {@code --max-retry-duration} when given, else null
     * @throws IllegalArgumentException naming the problem when the deadline is not positive or the explicit
     *                                  retry duration is not shorter than it
     */
    public static PushBudget forDeadline(Duration deadline, Duration explicitRetry) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be > 0: " + deadline);
        }
        Duration margin = min(MAX_MARGIN, deadline.dividedBy(4));
        Duration retry;
        if (explicitRetry == null) {
            retry = Duration.ofMillis(Math.max(1, deadline.toMillis() * 2 / 3));
        } else if (explicitRetry.compareTo(deadline) >= 0) {
            throw new IllegalArgumentException("must be shorter than the deadline (" + deadline
                    + ") so an undeliverable push is answered as failed rather than timing out: " + explicitRetry);
        } else {
            retry = explicitRetry;
        }
        return new PushBudget(deadline, retry, deadline.minus(margin));
    }

    /** True when the entry point must answer within a deadline. */
    public boolean bounded() {
        return deadline != null;
    }

    /** How long to wait for one push: {@link #answerWithin()}, capped by what the caller has left (null: no cap). */
    public Duration waitFor(Duration remaining) {
        if (!bounded()) {
            return remaining == null ? null : remaining;
        }
        return remaining == null ? answerWithin : min(answerWithin, remaining.minus(min(MAX_MARGIN, remaining.dividedBy(4))));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
