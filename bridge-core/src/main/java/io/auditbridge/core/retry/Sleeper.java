package io.auditbridge.core.retry;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits. Injected everywhere bridge-core would otherwise call {@code Thread.sleep}, so tests record the
 * waits instead of spending them and a shutdown cuts a wait short.
 */
@FunctionalInterface
public interface Sleeper {
    /** Waits {@code d}; returns false when woken early because the component is stopping. */
    boolean sleep(Duration d) throws InterruptedException;

    /** A sleeper that waits on {@code stop}: counting it down ends every wait at once. */
    static Sleeper until(CountDownLatch stop) {
        return d -> !stop.await(Math.max(0, d.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Real time, interruptible only. */
    Sleeper SYSTEM = d -> {
        Thread.sleep(Math.max(0, d.toMillis()));
        return true;
    };
}
