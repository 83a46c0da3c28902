package io.auditbridge.core.pipeline;

import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retry bookkeeping for one operation (a batch, a dead-letter write) on the pipeline's clock and sleeper.
 * Every wait ends early once the pipeline's stop signal is counted down.
 */
final class Backoff {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    /**
     * What every Backoff of one pipeline shares; {@link #start()} begins one operation's retries. Misconfigured
     * sinks and dead-letter writes wait on {@code unbounded}: they are outages, not answers, so no budget ends them.
     */
    record Waits(String source, RetryPolicy retry, RetryPolicy unbounded, Clock clock, Sleeper sleeper, CountDownLatch stop) {
        static Waits of(String source, RetryPolicy retry, Clock clock, Sleeper sleeper, CountDownLatch stop) {
            return new Waits(source, retry, retry.toBuilder().maxRetryDuration(null).build(), clock, sleeper, stop);
        }

        Backoff start() {
            return new Backoff(this);
        }

        /** The pipeline is stopping hard: waits end, and what is not delivered is abandoned. */
        boolean stopped() {
            return stop.getCount() == 0;
        }
    }

    private final Waits waits;
    private final RetryPolicy.Backoff bounded;
    private final RetryPolicy.Backoff unbounded;
    private int attempts;

    private Backoff(Waits waits) {
        this.waits = waits;
        long now = waits.clock().millis();
        this.bounded = waits.retry().start(now);
        this.unbounded = waits.unbounded().start(now);
    }

    int attempts() {
        return attempts;
    }

    /**
     * Waits before the next attempt; false when the budget is spent or the pipeline is stopping.
     *
     * @param unlimited ignore {@code --max-retry-duration} (a misconfigured sink, a dead-letter write)
     */
    boolean await(String why, Duration retryAfter, boolean unlimited) throws InterruptedException {
        attempts++;
        long now = waits.clock().millis();
        Duration budgeted = bounded.next(now, retryAfter);
        Duration wait = unlimited ? unbounded.next(now, retryAfter) : budgeted;
        if (wait == null || waits.stopped()) {
            return false;
        }
        if (attempts <= 3 || Long.bitCount(attempts) == 1) {
            log.warn("{} source={} attempt={} retrying in {} ms", why, waits.source(), attempts, wait.toMillis());
        }
        return waits.sleeper().sleep(wait);
    }
}
