package io.auditbridge.core.push;

import io.auditbridge.core.DeliveryFailedException;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.http.HandlerResponse;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.pipeline.Submission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one hand-off of every push entry point (HTTP receivers, serverless handlers, subscribers): submit a
 * push's records, send them at once (the caller is waiting, so the batch must not wait to age), wait for the
 * sink's acknowledgement within the {@link PushBudget}, and say what became of them as an {@link Outcome}
 * that maps to the caller's platform retry: a 503 with {@code Retry-After} for a receiver
 * ({@link #unavailable}), a failed invocation for a serverless function ({@link Outcome#orThrow}), a held
 * position for a subscriber (it does not checkpoint unless {@link Outcome#delivered()}).
 *
 * <p>Thread-safe: requests on many threads share one instance (and one pipeline).
 */
public final class PushDelivery<T> {
    private final Pipeline<T> pipeline;
    private final PushBudget budget;
    private final Duration retryAfter;
    private final CompletableFuture<Void> stopping = new CompletableFuture<>();

    /**
     * @param pipeline   started by the caller; with a bounded budget it should hand failures back
     *                   ({@link Pipeline.OnGiveUp#FAIL_SUBMISSION}) with {@code budget.retry()} as its retry duration
     * @param retryAfter what a receiver's 503 asks the client to wait
     */
    public PushDelivery(Pipeline<T> pipeline, PushBudget budget, Duration retryAfter) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public Pipeline<T> pipeline() {
        return pipeline;
    }

    public PushBudget budget() {
        return budget;
    }

    /** Delivers one push and waits as long as the budget allows. */
    public Outcome deliver(List<SourceRecord<T>> records) throws InterruptedException {
        return deliver(records, null);
    }

    /**
     * Submits {@code records}, flushes, and waits until they are acknowledged, fail, the wait ends or
     * {@link #stop()} is called.
     *
     * @param remaining what the caller has left before its own deadline (a Lambda's remaining time), or null
     */
    public Outcome deliver(List<SourceRecord<T>> records, Duration remaining) throws InterruptedException {
        Push push = open();
        push.submit(records);
        return push.finish(remaining);
    }

    /**
     * Opens a push whose records arrive in parts (a receiver submits a large body chunk by chunk while it is
     * still reading it); its wait budget starts now.
     */
    public Push open() {
        return new Push();
    }

    /** One push in progress: submitted part by part, then {@link #finish} flushes and waits for all of it. */
    public final class Push {
        private final long openedNanos = System.nanoTime();
        private final List<Submission> submissions = new ArrayList<>();

        private Push() {}

        /** Hands a part to the pipeline; blocks while its in-flight bound is reached (back-pressure). */
        public void submit(List<SourceRecord<T>> records) throws InterruptedException {
            submissions.add(pipeline.submit(records));
        }

        /** Sends what is buffered at once and waits for every part; see {@link PushDelivery#deliver(List, Duration)}. */
        public Outcome finish(Duration remaining) throws InterruptedException {
            // The whole push is submitted and its caller waits: send it now, not after --batch-max-age.
            pipeline.flush();
            List<Submission> parts = List.copyOf(submissions);
            CompletableFuture<Void> all = CompletableFuture.allOf(parts.stream().map(Submission::done).toArray(CompletableFuture[]::new));
            Duration wait = budget.waitFor(remaining);
            if (wait != null) {
                wait = wait.minusNanos(System.nanoTime() - openedNanos);
            }
            try {
                if (wait == null) {
                    CompletableFuture.anyOf(all, stopping).get();
                } else {
                    CompletableFuture.anyOf(all, stopping).get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                return new NotDelivered(parts, Reason.FAILED, cause instanceof DeliveryFailedException
                        ? cause.getMessage() : "delivery failed: " + cause.getClass().getSimpleName());
            } catch (TimeoutException e) {
                return new NotDelivered(parts, Reason.TIMED_OUT, "not acknowledged by the sink within "
                        + budget.waitFor(remaining).toMillis() + " ms");
            }
            if (!all.isDone()) {
                return new NotDelivered(parts, Reason.STOPPING, "stopping before the sink acknowledged");
            }
            return new Delivered(parts);
        }
    }

    /** Ends every wait now (shutdown): those pushes answer {@link Reason#STOPPING} and are retried by their caller. */
    public void stop() {
        stopping.complete(null);
    }

    /** A receiver's answer for a push that was not delivered: {@code response} as a 503 with {@code Retry-After}. */
    public HandlerResponse unavailable(HandlerResponse response) {
        return new HandlerResponse(503, response.contentType(), response.body(), response.headers())
                .withHeader("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
    }

    /** Why a push was not delivered. */
    public enum Reason {
        /** The pipeline gave up within its retry budget (sink down or misconfigured): the caller retries later. */
        FAILED,
        /** The wait ran out before the sink answered; the events may still be delivered (at-least-once). */
        TIMED_OUT,
        /** The process is stopping. */
        STOPPING
    }

    /** What became of one push. */
    public sealed interface Outcome permits Delivered, NotDelivered {
        /** One per part submitted (one for a push delivered whole). */
        List<Submission> submissions();

        default boolean delivered() {
            return this instanceof Delivered;
        }

        /** Completes once every part is finished (a push that timed out may still be delivered later). */
        default CompletableFuture<Void> done() {
            return CompletableFuture.allOf(submissions().stream().map(Submission::done).toArray(CompletableFuture[]::new));
        }

        /** Events accepted for delivery. */
        default int events() {
            return submissions().stream().mapToInt(Submission::events).sum();
        }

        default int skipped() {
            return submissions().stream().mapToInt(Submission::skipped).sum();
        }

        default int errors() {
            return submissions().stream().mapToInt(Submission::errors).sum();
        }

        default int deduped() {
            return submissions().stream().mapToInt(Submission::deduped).sum();
        }

        /**
         * For serverless handlers: this outcome when delivered, else a {@link DeliveryFailedException} that
         * fails the invocation so the platform delivers it again.
         *
         * @param what names the push in the message (an invocation or message id)
         */
        default Outcome orThrow(String what) throws DeliveryFailedException {
            if (this instanceof NotDelivered n) {
                throw new DeliveryFailedException(what + ": " + n.detail());
            }
            return this;
        }
    }

    /** Every event of the push was acknowledged by the sink (or dead-lettered for its content, or deduplicated). */
    public record Delivered(List<Submission> submissions) implements Outcome {}

    /** At least one event of the push is not known to be delivered. */
    public record NotDelivered(List<Submission> submissions, Reason reason, String detail) implements Outcome {}
}
