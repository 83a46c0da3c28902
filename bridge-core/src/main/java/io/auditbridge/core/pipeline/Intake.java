package io.auditbridge.core.pipeline;

import io.auditbridge.core.Event;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.Translator;
import io.auditbridge.core.ops.PipelineMetrics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submit side: translate each record, count and dead-letter its errors, dead-letter oversized events,
 * dedupe, register the record in the {@link AckLedger}, and hand its events to the {@link DeliveryQueue}
 * (which blocks while the in-flight bound is reached: back-pressure). Called from any number of threads.
 */
final class Intake<T> {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final String source;
    private final Translator<T> translator;
    private final PipelineMetrics metrics;
    private final int maxEventBytes;
    private final AckLedger ledger;
    private final DedupeWindow dedupe;
    private final InFlightCopies copies;
    private final DeliveryQueue queue;
    private final DeadLetterWriter deadLetters;
    private final boolean failuresToCaller;
    private final LogLimiter recordErrorLog;

    /**
     * @param failuresToCaller failures are handed back to the caller ({@link Pipeline.OnGiveUp#FAIL_SUBMISSION}),
     *     so a copy arriving while the first is in flight is sent too
     */
    Intake(String source, Translator<T> translator, PipelineMetrics metrics, int maxEventBytes, AckLedger ledger,
           DedupeWindow dedupe, InFlightCopies copies, DeliveryQueue queue, DeadLetterWriter deadLetters,
           boolean failuresToCaller, Clock clock) {
        this.source = source;
        this.translator = translator;
        this.metrics = metrics;
        this.maxEventBytes = maxEventBytes;
        this.ledger = ledger;
        this.dedupe = dedupe;
        this.copies = copies;
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.failuresToCaller = failuresToCaller;
        this.recordErrorLog = new LogLimiter(20, clock);
    }

    Submission submit(List<SourceRecord<T>> records) throws InterruptedException {
        Submission submission = new Submission(records.size());
        for (SourceRecord<T> record : records) {
            submitOne(record, submission);
        }
        return submission;
    }

    private void submitOne(SourceRecord<T> record, Submission submission) throws InterruptedException {
        Translation t;
        try {
            t = translator.translate(record);
        } catch (RuntimeException e) {
            // A translator bug must not stop the rest; the exception message may quote input, so log the type only.
            log.error("translator failed source={} record={} error={}", source, record.id(), e.getClass().getName());
            t = Translation.failed(RecordError.of("translator_failed", record.id(), null, e.getClass().getName()));
        }
        boolean unrecorded = false;
        for (RecordError err : t.errors()) {
            unrecorded |= !reportRecordError(err, record);
        }
        t.skipped().forEach(metrics::skipped);

        List<Event> keep = new ArrayList<>(t.events().size());
        List<Event> follow = new ArrayList<>(0);
        int deduped = 0;
        for (Event e : t.events()) {
            if (e.size() > maxEventBytes) {
                if (deadLetters.event(e, "event_too_large: " + e.size() + " bytes > " + maxEventBytes)) {
                    metrics.deadLettered("event_too_large", 1);
                } else {
                    // Not written: the record is not done, its position is not committed, a receiver answers 503.
                    unrecorded = true;
                }
            } else {
                switch (classify(e)) {
                    case LEAD -> keep.add(e);
                    case FOLLOW -> {
                        follow.add(e);
                        metrics.deduped();
                        deduped++;
                    }
                    case DONE -> {
                        metrics.deduped();
                        deduped++;
                    }
                }
            }
        }
        metrics.eventsIn(t.events().size());
        submission.counted(keep.size(), t.errors().size(), t.skippedCount(), deduped);
        AckLedger.Entry entry = ledger.register(record.partition(), record.position(),
                keep.size() + follow.size() + (unrecorded ? 1 : 0), submission);
        if (unrecorded) {
            // The record (or an oversized event of it) never reached the dead-letter file: never commit past it.
            entry.fail();
            submission.fail(deadLetters.failureReason());
        }
        for (Event e : follow) {
            switch (copies.follow(e.dedupeKey(), entry)) {
                case FOLLOW -> { } // done or failed with the copy in flight
                case DONE -> Outcomes.acked(entry);
                case LEAD -> keep.add(e); // the copy in flight was abandoned meanwhile: this one is sent
            }
        }
        if (keep.isEmpty()) {
            if (follow.isEmpty()) {
                submission.recordFinished();
            }
            return;
        }
        for (int i = 0; i < keep.size(); i++) {
            if (!queue.put(PendingEvent.of(keep.get(i), entry))) {
                // Stopping: the rest of this record is not sent, so its position is never committed.
                for (int rest = i; rest < keep.size(); rest++) {
                    for (AckLedger.Entry follower : copies.abandoned(keep.get(rest).dedupeKey())) {
                        Outcomes.failed(follower, "shutting down");
                    }
                    entry.fail();
                }
                submission.fail("shutting down before the record was handed to delivery");
                return;
            }
        }
    }

    /** Counts and logs a record error, dead-lettering the record when asked; false if that write did not happen. */
    private boolean reportRecordError(RecordError err, SourceRecord<T> record) throws InterruptedException {
        metrics.recordError(err.code());
        long suppressed = recordErrorLog.admit(err.code());
        if (suppressed >= 0) {
            log.warn("record error source={} code={} record={} auditID={}: {}{}", source, err.code(),
                    err.recordId() != null ? err.recordId() : record.id(), err.auditId(), err.detail(),
                    suppressed > 0 ? " (" + suppressed + " more with this code not logged)" : "");
        }
        if (err.deadLetter() == null) {
            return true;
        }
        if (deadLetters.record(record, err)) {
            metrics.deadLettered(err.code(), 1);
            return true;
        }
        return false;
    }

    /**
     * Dedupe on (auditID, stage), never dropping the only undelivered copy. When failures are handed back to the
     * caller, a copy arriving while the first is in flight is sent too (the caller's retry must succeed on its
     * own if the first fails). Otherwise it follows the copy in flight: done with it, or failed with it.
     */
    private InFlightCopies.Copy classify(Event e) {
        if (failuresToCaller) {
            return dedupe.contains(e.dedupeKey()) ? InFlightCopies.Copy.DONE : InFlightCopies.Copy.LEAD;
        }
        return copies.offer(e.dedupeKey());
    }
}
