package io.auditbridge.core.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stop side of a long-running command: SIGTERM (or {@link #requestStop()} from inside the process) asks it to
 * stop, and the JVM does not exit until the command {@link #markStopped() finished stopping} (drained, committed,
 * closed). {@link #serve} is the whole life of a push endpoint (a receiver, a subscriber, the detector's webhook):
 * start, serve until asked to stop, stop taking input while what is in flight is answered, close.
 */
public final class ProcessLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ProcessLifecycle.class);

    /** A started push endpoint. */
    public interface Receiver extends AutoCloseable {
        /** Stops taking input; pushes in flight are answered first, within the receiver's own grace. */
        void stop();

        /** For {@code /healthz}: the endpoint still serves (a receiver's dispatcher thread did not die). */
        default boolean isAlive() {
            return true;
        }

        /** Releases what {@link #stop()} left open; nothing by default. */
        @Override
        default void close() throws IOException {}
    }

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * Starts the endpoint, serves until SIGTERM or {@link #requestStop()}, then stops it, closes it, and runs
     * {@code after} (the pipeline's drain and close) before a waiting SIGTERM lets the JVM exit. A start that
     * throws is rethrown after {@code after} ran. Returns 0.
     */
    public int serve(Callable<? extends Receiver> start, AutoCloseable after) throws Exception {
        Thread hook = installHook(() -> {});
        try {
            Receiver receiver = start.call();
            try {
                stop.await();
                log.info("stop requested: answering requests in flight, then draining");
            } finally {
                try {
                    receiver.stop();
                } finally {
                    receiver.close();
                }
            }
        } finally {
            try {
                if (after != null) {
                    after.close();
                }
            } finally {
                markStopped();
                removeHook(hook);
            }
        }
        return 0;
    }

    /**
     * Installs the SIGTERM hook: it runs {@code onSignal} (e.g. tell a poller to stop), requests stop, and waits
     * until {@link #markStopped()}. Remove it with {@link #removeHook} once the command returned.
     */
    public Thread installHook(Runnable onSignal) {
        Thread hook = Thread.ofPlatform().name("auditbridge-sigterm").unstarted(() -> {
            onSignal.run();
            stop.countDown();
            awaitStopped();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Asks {@link #serve} (or whoever awaits {@link #awaitStop}) to stop, as SIGTERM does. */
    public void requestStop() {
        stop.countDown();
    }

    public boolean stopRequested() {
        return stop.getCount() == 0;
    }

    /** The latch counted down when stop is requested: sleepers that should wake on stop wait on it. */
    public CountDownLatch stopSignal() {
        return stop;
    }

    public void awaitStop() throws InterruptedException {
        stop.await();
    }

    /** Marks stopping finished so a SIGTERM hook waiting for it lets the JVM exit. */
    public void markStopped() {
        stopped.countDown();
    }

    private void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running and waits for markStopped; nothing to remove
        }
    }
}
