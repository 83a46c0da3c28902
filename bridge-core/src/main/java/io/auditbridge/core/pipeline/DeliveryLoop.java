package io.auditbridge.core.pipeline;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.Sink;
import io.auditbridge.core.ops.PipelineMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery thread's work: take a batch from the {@link DeliveryQueue}, send it to the {@link Sink} until it
 * is acknowledged, dead-lettered (refused for its content, or out of retry budget when pollers give up) or handed
 * back to the caller, then let the {@link Committer} commit. Each delivery thread runs this loop: one thread
 * delivers one batch at a time, so events keep their order; a sink that takes several batches at once
 * ({@link Sink#maxConcurrentDeliveries()}) gets one thread per batch, and its batches may overlap.
 */
final class DeliveryLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final String source;
    private final Sink sink;
    private final DeliveryQueue queue;
    private final DedupeWindow dedupe;
    private final InFlightCopies copies;
    private final Committer committer;
    private final DeadLetterWriter deadLetters;
    private final Backoff.Waits waits;
    private final PipelineMetrics metrics;
    private final Pipeline.OnGiveUp onGiveUp;
    private final Clock clock;
    private final Consumer<Error> onFatalError;
    /** Why the sink cannot take events right now (for /readyz), or null while it answers. */
    private volatile String sinkProblem;
    private volatile long lastUnusableLogMillis = Long.MIN_VALUE;

    DeliveryLoop(String source, Sink sink, DeliveryQueue queue, DedupeWindow dedupe, InFlightCopies copies,
                 Committer committer, DeadLetterWriter deadLetters, Backoff.Waits waits, PipelineMetrics metrics,
                 Pipeline.OnGiveUp onGiveUp, Clock clock, Consumer<Error> onFatalError) {
        this.source = source;
        this.sink = sink;
        this.queue = queue;
        this.dedupe = dedupe;
        this.copies = copies;
        this.committer = committer;
        this.deadLetters = deadLetters;
        this.waits = waits;
        this.metrics = metrics;
        this.onGiveUp = onGiveUp;
        this.clock = clock;
        this.onFatalError = onFatalError;
    }

    /** Why the sink cannot take events right now, or null while it answers. */
    String sinkProblem() {
        return sinkProblem;
    }

    @Override
    public void run() {
        try {
            List<PendingEvent> batch;
            while ((batch = queue.nextBatch()) != null) {
                deliver(batch);
                committer.batchDone();
                if (waits.stopped()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("delivery thread failed source={}", source, e);
        } catch (Error e) {
            // An Error (OutOfMemoryError, StackOverflowError, a linkage problem) leaves the JVM in an unknown
            // state: log it and hand it to the fatal handler (the CLI exits non-zero at once; the checkpoint resumes).
            log.error("fatal error on the delivery thread source={}; nothing after the committed position is lost", source, e);
            onFatalError.accept(e);
        } finally {
            for (PendingEvent p : queue.drainUnsent()) {
                abandon(p, "shutting down before delivery");
            }
        }
    }

    /** Delivers one batch (or part of one) until it is acknowledged, dead-lettered or given up. */
    private void deliver(List<PendingEvent> part) throws InterruptedException {
        Backoff backoff = waits.start();
        List<Event> events = new ArrayList<>(part.size());
        for (PendingEvent p : part) {
            events.add(p.event());
        }
        while (true) {
            DeliveryResult result;
            long t0 = System.nanoTime();
            try {
                result = sink.deliver(events);
            } catch (RuntimeException e) {
                result = DeliveryResult.retry("sink error: " + e.getClass().getSimpleName());
            }
            metrics.sinkLatency(Duration.ofNanos(System.nanoTime() - t0));
            switch (result) {
                case DeliveryResult.Delivered d -> {
                    sinkAnswered();
                    metrics.batchDelivered();
                    acknowledge(part);
                    return;
                }
                case DeliveryResult.Rejected r -> {
                    // An answer about these events: the sink itself works.
                    sinkAnswered();
                    metrics.sinkError(r.status());
                    if (part.size() == 1) {
                        metrics.batchFailed("rejected");
                        deadLetterAndAck(part.getFirst(), "rejected: " + r.reason());
                    } else {
                        // Isolate the refused events: deliver each half on its own.
                        int mid = part.size() / 2;
                        deliver(part.subList(0, mid));
                        deliver(part.subList(mid, part.size()));
                    }
                    return;
                }
                case DeliveryResult.Retry r -> {
                    metrics.sinkError(r.status());
                    metrics.retry();
                    sinkProblem = "sink unavailable: " + r.reason() + " from " + sink.describe();
                    if (!backoff.await("delivery failed: " + r.reason(), r.retryAfter(), false)) {
                        giveUp(part, backoff.attempts(), r.reason());
                        return;
                    }
                }
                case DeliveryResult.Unusable u -> {
                    metrics.sinkError(u.status());
                    metrics.retry();
                    sinkProblem = "sink misconfigured: " + u.reason() + " from " + sink.describe();
                    logUnusable(u);
                    // Never split, never dead-letter: the answer is about the sink, not these events. Pollers wait
                    // for as long as it takes; push callers get the failure back within their budget (503).
                    if (!backoff.await("sink misconfigured: " + u.reason(), null, onGiveUp == Pipeline.OnGiveUp.DEAD_LETTER)) {
                        giveUpUnusable(part, u.reason());
                        return;
                    }
                }
            }
        }
    }

    private void sinkAnswered() {
        if (sinkProblem != null) {
            log.info("sink answers again source={} sink={}", source, sink.describe());
            sinkProblem = null;
        }
    }

    /** One ERROR line a minute at most: the status and the sink's URL (no user info, no query). */
    private void logUnusable(DeliveryResult.Unusable u) {
        long now = clock.millis();
        if (lastUnusableLogMillis == Long.MIN_VALUE || now - lastUnusableLogMillis >= 60_000) {
            lastUnusableLogMillis = now;
            log.error("sink misconfigured source={} status={} sink={}: {}; retrying without limit, nothing is "
                    + "dead-lettered and no position moves until it accepts events", source, u.status(), sink.describe(), u.reason());
        }
    }

    /** A misconfigured sink's events are never dead-lettered: handed back to a push caller, or kept when stopping. */
    private void giveUpUnusable(List<PendingEvent> part, String reason) {
        metrics.batchFailed("sink_unusable");
        for (PendingEvent p : part) {
            abandon(p, (waits.stopped() ? "shutting down: " : "sink misconfigured: ") + reason);
        }
    }

    private void acknowledge(List<PendingEvent> part) {
        // Counted before the events are released: whoever waits for idle then reads the right count.
        metrics.eventsOut(part.size());
        for (PendingEvent p : part) {
            if (onGiveUp == Pipeline.OnGiveUp.FAIL_SUBMISSION) {
                dedupe.firstTime(p.event().dedupeKey());
            }
            finishRecord(p);
        }
        // The batch's room is freed at once: one wake-up of a waiting submitter, not one per event.
        queue.release(part);
        String ts = part.getLast().event().stageTimestamp();
        if (ts != null) {
            try {
                metrics.lag(Duration.between(Instant.parse(ts), clock.instant()));
            } catch (DateTimeParseException ignored) {
                // An Event with an odd timestamp still counts as delivered; it just does not move the lag gauge.
            }
        }
    }

    private void finish(PendingEvent p) {
        finishRecord(p);
        queue.release(p);
    }

    /** The event is done: acks its record and the copies that followed it; the caller releases its room. */
    private void finishRecord(PendingEvent p) {
        Outcomes.acked(p.record());
        if (onGiveUp == Pipeline.OnGiveUp.DEAD_LETTER) {
            for (AckLedger.Entry follower : copies.finished(p.event().dedupeKey())) {
                Outcomes.acked(follower);
            }
        }
    }

    private void giveUp(List<PendingEvent> part, int attempts, String reason) throws InterruptedException {
        String why = "retry budget exhausted after " + attempts + " attempts: " + reason;
        if (waits.stopped()) {
            for (PendingEvent p : part) {
                abandon(p, "shutting down: " + reason);
            }
            return;
        }
        metrics.batchFailed("gave_up");
        if (onGiveUp == Pipeline.OnGiveUp.DEAD_LETTER) {
            for (PendingEvent p : part) {
                deadLetterAndAck(p, why);
            }
        } else {
            log.warn("delivery gave up source={} events={}: {}", source, part.size(), why);
            for (PendingEvent p : part) {
                abandon(p, why);
            }
        }
    }

    /** The event will not be delivered by this process: its record fails and its key may come again. */
    private void abandon(PendingEvent p, String reason) {
        for (AckLedger.Entry follower : copies.abandoned(p.event().dedupeKey())) {
            Outcomes.failed(follower, reason);
        }
        Outcomes.failed(p.record(), reason);
        queue.release(p);
    }

    private void deadLetterAndAck(PendingEvent p, String reason) throws InterruptedException {
        if (deadLetters.event(p.event(), reason)) {
            metrics.deadLettered(reason.startsWith("rejected") ? "rejected" : "gave_up", 1);
            log.warn("dead-lettered source={} auditID={} stage={}: {}", source, p.event().auditId(), p.event().stage(), reason);
            finish(p);
        } else {
            abandon(p, deadLetters.failureReason());
        }
    }
}
