package io.auditbridge.core.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter (the wait is uniform in [0, min(max, initial·2^attempt)]), honouring a
 * server's Retry-After, with an optional limit on the total time spent retrying one thing.
 *
 * <p>Immutable; build with {@link #builder()}. {@link #start} gives a per-operation {@link Backoff}.
 */
public final class RetryPolicy {
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final Duration maxRetryAfter;
    private final Duration maxRetryDuration;
    private final DoubleSupplier random;

    private RetryPolicy(Builder b) {
        this.initialDelay = b.initialDelay;
        this.maxDelay = b.maxDelay;
        this.maxRetryAfter = b.maxRetryAfter;
        this.maxRetryDuration = b.maxRetryDuration;
        this.random = b.random;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.initialDelay = initialDelay;
        b.maxDelay = maxDelay;
        b.maxRetryAfter = maxRetryAfter;
        b.maxRetryDuration = maxRetryDuration;
        b.random = random;
        return b;
    }

    public static RetryPolicy defaults() {
        return builder().build();
    }

    /** Null when retries never give up (the default). */
    public Duration maxRetryDuration() {
        return maxRetryDuration;
    }

    public Backoff start(long nowMillis) {
        return new Backoff(nowMillis);
    }

    /** The state of one operation's retries. Not thread-safe. */
    public final class Backoff {
        private final long startedMillis;
        private int attempt;

        private Backoff(long startedMillis) {
            this.startedMillis = startedMillis;
        }

        /** When this operation's retries started (for the retry budget and for logs). */
        public long startedMillis() {
            return startedMillis;
        }

        /** How many waits were handed out so far. */
        public int attempts() {
            return attempt;
        }

        /**
         * The wait before the next attempt, or null when the retry budget is spent.
         *
         * @param retryAfter a wait the server asked for, or null. It can only lengthen the policy's own delay
         *                   (up to maxRetryAfter): {@code Retry-After: 0} or a past date never turns backoff off.
         */
        public Duration next(long nowMillis, Duration retryAfter) {
            long ceiling = initialDelay.toMillis() << Math.min(attempt, 30);
            if (ceiling <= 0 || ceiling > maxDelay.toMillis()) {
                ceiling = maxDelay.toMillis();
            }
            Duration wait = Duration.ofMillis((long) (random.getAsDouble() * ceiling));
            if (retryAfter != null && !retryAfter.isNegative()) {
                Duration asked = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
                if (asked.compareTo(wait) > 0) {
                    wait = asked;
                }
            }
            attempt++;
            if (maxRetryDuration != null && nowMillis + wait.toMillis() - startedMillis > maxRetryDuration.toMillis()) {
                return null;
            }
            return wait;
        }
    }

    public static final class Builder {
        private Duration initialDelay = Duration.ofMillis(500);
        private Duration maxDelay = Duration.ofSeconds(30);
        private Duration maxRetryAfter = Duration.ofMinutes(5);
        private Duration maxRetryDuration;
        private DoubleSupplier random = Math::random;

        public Builder initialDelay(Duration d) {
            this.initialDelay = positive("initialDelay", d);
            return this;
        }

        public Builder maxDelay(Duration d) {
            this.maxDelay = positive("maxDelay", d);
            return this;
        }

        /** Longest Retry-After honoured as is; longer ones are cut to this. */
        public Builder maxRetryAfter(Duration d) {
            this.maxRetryAfter = positive("maxRetryAfter", d);
            return this;
        }

        /** Give up once retrying one batch would exceed this; null (the default) retries without limit. */
        public Builder maxRetryDuration(Duration d) {
            this.maxRetryDuration = d == null ? null : positive("maxRetryDuration", d);
            return this;
        }

        /** Source of jitter in [0, 1); tests pass a constant. */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public RetryPolicy build() {
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("maxDelay < initialDelay: " + maxDelay + " < " + initialDelay);
            }
            return new RetryPolicy(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0: " + d);
            }
            return d;
        }
    }
}
