package io.auditbridge.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One policy for {@link Error}s (OutOfMemoryError, StackOverflowError, a linkage error…) on any thread the
 * process depends on: log once, then end the process with {@link #EXIT_CODE}. A JVM that lost a thread to an
 * Error keeps answering probes while nothing works; the orchestrator restarts a dead process and the source
 * resumes from its checkpoint (receivers: the sender retries what was not answered 2xx).
 *
 * <p>{@link #install()} makes this the default for threads without their own handler (the JDK HTTP server's
 * dispatcher, timers); code that catches {@code Throwable} on its own threads calls {@link #die}.
 */
public final class FatalErrors {
    private static final Logger log = LoggerFactory.getLogger(FatalErrors.class);
    /** Exit code after a fatal error (70 = EX_SOFTWARE): distinct from 1 (delivery), 2 (configuration), 3 (lost lease). */
    public static final int EXIT_CODE = 70;

    private FatalErrors() {}

    /** Makes an uncaught {@link Error} on any thread end the process; other uncaught exceptions are logged. */
    public static void install() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        if (previous instanceof Handler) {
            return;
        }
        Thread.setDefaultUncaughtExceptionHandler(new Handler());
    }

    /** Ends the process after {@code error} on {@code where}'s thread, when it is an {@link Error}; returns otherwise. */
    public static void dieIfError(String where, Throwable t) {
        if (t instanceof Error e) {
            die(where, e);
        }
    }

    /** Logs {@code error} and halts the process with {@link #EXIT_CODE}; never returns. */
    public static void die(String where, Error error) {
        try {
            // Only the type and where: the message of an Error thrown by a parser may quote input.
            log.error("fatal {} on thread {} in {}: exiting with code {} so the process is restarted",
                    error.getClass().getName(), Thread.currentThread().getName(), where, EXIT_CODE);
        } catch (Throwable ignored) {
            // logging itself failed (out of memory): still exit
        }
        System.err.flush();
        // halt, not exit: shutdown hooks may wait for threads that the Error left stuck.
        Runtime.getRuntime().halt(EXIT_CODE);
    }

    private static final class Handler implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread t, Throwable e) {
            if (e instanceof Error error) {
                die("uncaught on " + t.getName(), error);
            }
            try {
                log.error("uncaught {} on thread {}", e.getClass().getName(), t.getName());
            } catch (Throwable ignored) {
                // nothing left to do
            }
        }
    }
}
