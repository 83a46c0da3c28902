package io.auditbridge.core;

import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.AckLedger;
import io.auditbridge.core.pipeline.BatchLimits;
import io.auditbridge.core.pipeline.CommitPolicy;
import io.auditbridge.core.pipeline.DedupeWindow;
import io.auditbridge.core.pipeline.DeliveryQueue;
import io.auditbridge.core.pipeline.InFlightCopies;
import io.auditbridge.core.pipeline.LogLimiter;
import io.auditbridge.core.pipeline.PendingEvent;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import io.auditbridge.core.sink.DeadLetters;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery pipeline, the one place that translates, dedupes, batches, retries and commits:
 *
 * <pre>
 *   Source ──records──▶ submit(): Translator → dedupe → DeliveryQueue (bounded: back-pressure)
 *                                                            │ batches (count / bytes / age)
 *   CheckpointStore ◀── commit acked positions ◀── ack ◀── Sink (retry · split on reject · dead-letter)
 * </pre>
 *
 * <p>{@link #submit} may be called from several threads; it blocks while the in-flight bound is reached.
 * Delivery threads take batches from the queue, as many as the sink allows at once
 * ({@link Sink#maxConcurrentDeliveries()}): with one, batches reach the sink in submission order; with more,
 * each batch keeps its order but batches may overlap and arrive out of order. A source
 * position is committed only once every event of every record up to it was acknowledged or dead-lettered.
 */
public final class Pipeline<T> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    /** What happens to events whose retry budget ran out. */
    public enum OnGiveUp {
        /** Write them to the dead-letter file and count them as done (pollers: the position moves on). */
        DEAD_LETTER,
        /** Fail their {@link Submission}, so the caller's platform retries (receivers, serverless). */
        FAIL_SUBMISSION
    }

    private final String source;
    private final Translator<T> translator;
    private final Sink sink;
    private final CheckpointStore checkpoints;
    private final DeadLetters deadLetters;
    private final RetryPolicy retry;
    /** Misconfigured sinks and dead-letter writes are retried without a budget: they are outages, not answers. */
    private final RetryPolicy retryUnbounded;
    private final Clock clock;
    private final Sleeper sleeper;
    private final PipelineMetrics metrics;
    private final DedupeWindow dedupe;
    private final InFlightCopies copies;
    private final OnGiveUp onGiveUp;
    private final Duration shutdownTimeout;
    private final java.util.function.Consumer<Error> onFatalError;
    private final int maxEventBytes;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AckLedger ledger = new AckLedger(null);
    private final LogLimiter recordErrorLog;
    private final DeliveryQueue queue;
    /** One per batch the sink may take at once ({@link Sink#maxConcurrentDeliveries()}). */
    private final List<Thread> deliveryThreads;
    private volatile Map<String, String> committed = Map.of();
    /**
     * The lifecycle, one state moved by compare-and-set (Debezium's engine): CREATED → STARTED → STOPPING →
     * STOPPED. Submits are refused before STARTED; from STOPPING on they fail (nothing after them commits).
     */
    public enum State { CREATED, STARTED, STOPPING, STOPPED }

    private final java.util.concurrent.atomic.AtomicReference<State> state = new java.util.concurrent.atomic.AtomicReference<>(State.CREATED);
    private final CommitPolicy commitPolicy;
    private long batchesSinceCommit;
    private long lastCommitMillis;
    /** Why the sink cannot take events right now (for /readyz), or null while it answers. */
    private volatile String sinkProblem;
    /** Why dead letters cannot be written right now (for /readyz), or null. */
    private volatile String deadLetterProblem;
    private volatile long lastUnusableLogMillis = Long.MIN_VALUE;

    private Pipeline(Builder<T> b) {
        this.source = b.source;
        this.translator = b.translator;
        this.sink = b.sink;
        this.checkpoints = b.checkpoints;
        this.deadLetters = b.deadLetters;
        this.retry = b.retry;
        this.retryUnbounded = b.retry.toBuilder().maxRetryDuration(null).build();
        this.clock = b.clock;
        this.sleeper = b.sleeper != null ? b.sleeper : Sleeper.until(stop);
        this.metrics = b.metrics != null ? b.metrics : PipelineMetrics.inMemory(b.source);
        this.dedupe = new DedupeWindow(b.dedupeWindow);
        this.copies = new InFlightCopies(dedupe);
        this.onGiveUp = b.onGiveUp;
        this.shutdownTimeout = b.shutdownTimeout;
        this.onFatalError = b.onFatalError;
        this.commitPolicy = b.commitPolicy;
        this.maxEventBytes = b.limits.maxEventBytes();
        this.queue = new DeliveryQueue(b.limits, b.maxInFlightEvents, b.maxInFlightBytes, b.clock);
        this.recordErrorLog = new LogLimiter(20, b.clock);
        // Daemon: close() drains and commits; a sink stuck past the shutdown timeout must not keep the JVM alive.
        int threads = Math.max(1, sink.maxConcurrentDeliveries());
        List<Thread> delivery = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            delivery.add(Thread.ofPlatform().name("auditbridge-delivery-" + source + (i == 0 ? "" : "-" + i)).daemon(true)
                    .unstarted(this::deliverLoop));
        }
        this.deliveryThreads = List.copyOf(delivery);
        metrics.gauge("auditbridge.inflight.events", "Events submitted and not yet acknowledged", queue::inFlightEvents);
        metrics.gauge("auditbridge.inflight.bytes", "Bytes of events submitted and not yet acknowledged", queue::inFlightBytes);
    }

    public static <T> Builder<T> builder(String source, Translator<T> translator, Sink sink) {
        return new Builder<>(source, translator, sink);
    }

    /** Loads the committed positions, starts the delivery thread, and returns the positions for the Source. */
    public synchronized Map<String, String> start() throws IOException {
        State now = state.get();
        if (now != State.CREATED) {
            throw new IllegalStateException("pipeline already started: it is " + now + ", not " + State.CREATED);
        }
        committed = Map.copyOf(checkpoints.load());
        ledger.seed(committed);
        lastCommitMillis = clock.millis();
        move(State.CREATED, State.STARTED);
        deliveryThreads.forEach(Thread::start);
        log.info("pipeline started source={} sink={} committed={}", source, sink.describe(), committed);
        return committed;
    }

    /**
     * Translates and enqueues {@code records}, blocking while the in-flight bound is reached. Returns at once
     * after enqueueing; {@link Submission#done()} tells when they are delivered.
     */
    public Submission submit(List<SourceRecord<T>> records) throws InterruptedException {
        if (state.get() == State.CREATED) {
            throw new IllegalStateException("pipeline not started");
        }
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
                if (writeDeadLetter(e, "event_too_large: " + e.size() + " bytes > " + maxEventBytes)) {
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
            submission.fail("dead-letter write failed: " + (deadLetterProblem != null ? deadLetterProblem : "stopping"));
        }
        for (Event e : follow) {
            switch (copies.follow(e.dedupeKey(), entry)) {
                case FOLLOW -> { } // done or failed with the copy in flight
                case DONE -> ackFollower(entry);
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
                        follower.fail();
                        ((Submission) follower.owner()).fail("shutting down");
                    }
                    entry.fail();
                }
                submission.fail("shutting down before the record was handed to delivery");
                return;
            }
        }
    }

    /**
     * Starts stopping, from any thread (a SIGTERM hook, a lost Lease): submits waiting for room return at once
     * (their records fail, so nothing after them is committed), what is buffered is sent, and every wait in
     * {@link #drain} and {@link #close} ends at most the shutdown timeout from now.
     */
    public void beginShutdown() {
        state.compareAndSet(State.STARTED, State.STOPPING);
        queue.closeIntake(System.nanoTime() + shutdownTimeout.toNanos());
    }

    /** The lifecycle state now. */
    public State state() {
        return state.get();
    }

    private void move(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            throw new IllegalStateException("pipeline cannot go from " + from + " to " + to + ": it is " + state.get());
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
        if (untilWritten(() -> deadLetters.record(source, record.id(), err.code() + ": " + err.detail(), err.deadLetter()))) {
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
        if (onGiveUp == OnGiveUp.FAIL_SUBMISSION) {
            return dedupe.contains(e.dedupeKey()) ? InFlightCopies.Copy.DONE : InFlightCopies.Copy.LEAD;
        }
        return copies.offer(e.dedupeKey());
    }

    private static void ackFollower(AckLedger.Entry entry) {
        if (entry.ack()) {
            ((Submission) entry.owner()).recordFinished();
        }
    }

    /** Sends whatever is buffered without waiting for the batch to fill or age. */
    public void flush() {
        queue.flush();
    }

    /** Flushes, waits until every submitted event is done, and commits; false when {@code timeout} passed first. */
    public boolean drain(Duration timeout) throws InterruptedException {
        boolean idle = queue.awaitIdle(timeout);
        commit();
        return idle;
    }

    /** The positions last written to the CheckpointStore. */
    public Map<String, String> committedPositions() {
        return committed;
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    /** For {@code /healthz}: the delivery thread is running. */
    public boolean isAlive() {
        return deliveryThreads.stream().allMatch(Thread::isAlive);
    }

    /** For {@code /readyz}: started and the sink is usable. */
    public boolean isReady() {
        return notReadyReason() == null;
    }

    /**
     * Why {@code /readyz} says no: the sink is misconfigured or down, dead letters cannot be written, a partition
     * cannot commit, or delivery stopped. Null when ready. Never contains a secret (the sink's reasons are
     * redacted by the sink; URLs lose their user info and query).
     */
    public String notReadyReason() {
        State now = state.get();
        if (now != State.STARTED) {
            return now == State.CREATED ? "pipeline not started" : "pipeline " + now.name().toLowerCase(java.util.Locale.ROOT);
        }
        if (!isAlive()) {
            return "delivery thread stopped";
        }
        String s = sinkProblem;
        if (s != null) {
            return s;
        }
        String d = deadLetterProblem;
        if (d != null) {
            return d;
        }
        String blocked = ledger.blockedPartition();
        if (blocked != null) {
            return "partition " + blocked + " cannot commit: a record before it was not delivered (restart to retry it)";
        }
        if (!sink.isReady()) {
            return "sink not ready: " + sink.describe();
        }
        return null;
    }

    public long inFlightEvents() {
        return queue.inFlightEvents();
    }

    public long inFlightBytes() {
        return queue.inFlightBytes();
    }

    // ---- delivery thread ----

    private void deliverLoop() {
        try {
            List<PendingEvent> batch;
            while ((batch = queue.nextBatch()) != null) {
                deliver(batch);
                commitIfDue();
                if (stop.getCount() == 0) {
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
        Backoff backoff = new Backoff();
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
                        giveUp(part, backoff.attempts, r.reason());
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
                    if (!backoff.await("sink misconfigured: " + u.reason(), null, onGiveUp == OnGiveUp.DEAD_LETTER)) {
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
            abandon(p, (stop.getCount() == 0 ? "shutting down: " : "sink misconfigured: ") + reason);
        }
    }

    private void acknowledge(List<PendingEvent> part) {
        // Each event's record and copies are finished first, then the batch's room is freed with one wake-up.
        // Counted before the events are released: whoever waits for idle then reads the right count.
        metrics.eventsOut(part.size());
        for (PendingEvent p : part) {
            if (onGiveUp == OnGiveUp.FAIL_SUBMISSION) {
                dedupe.firstTime(p.event().dedupeKey());
            }
            finishRecord(p);
        }
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
        if (p.record().ack()) {
            ((Submission) p.record().owner()).recordFinished();
        }
        if (onGiveUp == OnGiveUp.DEAD_LETTER) {
            for (AckLedger.Entry follower : copies.finished(p.event().dedupeKey())) {
                ackFollower(follower);
            }
        }
    }

    private void giveUp(List<PendingEvent> part, int attempts, String reason) throws InterruptedException {
        String why = "retry budget exhausted after " + attempts + " attempts: " + reason;
        if (stop.getCount() == 0) {
            for (PendingEvent p : part) {
                abandon(p, "shutting down: " + reason);
            }
            return;
        }
        metrics.batchFailed("gave_up");
        if (onGiveUp == OnGiveUp.DEAD_LETTER) {
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
            follower.fail();
            ((Submission) follower.owner()).fail(reason);
        }
        p.record().fail();
        ((Submission) p.record().owner()).fail(reason);
        queue.release(p);
    }

    private void deadLetterAndAck(PendingEvent p, String reason) throws InterruptedException {
        if (writeDeadLetter(p.event(), reason)) {
            metrics.deadLettered(reason.startsWith("rejected") ? "rejected" : "gave_up", 1);
            log.warn("dead-lettered source={} auditID={} stage={}: {}", source, p.event().auditId(), p.event().stage(), reason);
            finish(p);
        } else {
            abandon(p, "dead-letter write failed: " + (deadLetterProblem != null ? deadLetterProblem : "stopping"));
        }
    }

    private boolean writeDeadLetter(Event e, String reason) throws InterruptedException {
        return untilWritten(() -> deadLetters.event(e, reason));
    }

    private interface DeadLetterWrite {
        void run() throws IOException;
    }

    /**
     * Writes a dead letter, retrying with backoff (a dead-lettered item counts as done, so the write must have
     * happened). Pollers retry until it is written or the pipeline stops, with {@code /readyz} naming the fault;
     * push callers (receivers, serverless) retry within their budget, then the record fails and they answer 503.
     */
    private boolean untilWritten(DeadLetterWrite write) throws InterruptedException {
        Backoff b = new Backoff();
        while (true) {
            try {
                write.run();
                if (deadLetterProblem != null) {
                    log.info("dead-letter writes work again source={}", source);
                    deadLetterProblem = null;
                }
                return true;
            } catch (IOException io) {
                metrics.counter("auditbridge.dead_letter.write_failures", "Dead-letter writes that failed and were retried").increment();
                deadLetterProblem = "dead-letter write failing: " + io.getMessage();
                if (stop.getCount() == 0 || !b.await(deadLetterProblem, null, onGiveUp == OnGiveUp.DEAD_LETTER)
                        || stop.getCount() == 0) {
                    return false;
                }
            }
        }
    }

    /** After a batch: commits when the {@link CommitPolicy} says so. */
    private synchronized void commitIfDue() {
        batchesSinceCommit++;
        if (commitPolicy.shouldCommit(batchesSinceCommit, Duration.ofMillis(Math.max(0, clock.millis() - lastCommitMillis)))) {
            commit();
        }
    }

    private synchronized void commit() {
        batchesSinceCommit = 0;
        lastCommitMillis = clock.millis();
        Map<String, String> next = ledger.committable();
        if (next.isEmpty() || next.equals(committed)) {
            return;
        }
        try {
            checkpoints.commit(next);
            committed = next;
            metrics.checkpoint(true);
        } catch (IOException e) {
            // The ledger keeps the positions; the next batch (or close) writes them again.
            metrics.checkpoint(false);
            log.warn("checkpoint write failed source={}: {}", source, e.toString());
        }
    }

    /** Retry bookkeeping for one operation on the pipeline's clock and sleeper. */
    private final class Backoff {
        private final RetryPolicy.Backoff bounded = retry.start(clock.millis());
        private final RetryPolicy.Backoff unbounded = retryUnbounded.start(clock.millis());
        private int attempts;

        /**
         * Waits before the next attempt; false when the budget is spent or the pipeline is stopping.
         *
         * @param unlimited ignore {@code --max-retry-duration} (a misconfigured sink, a dead-letter write)
         */
        boolean await(String why, Duration retryAfter, boolean unlimited) throws InterruptedException {
            attempts++;
            long now = clock.millis();
            Duration budgeted = bounded.next(now, retryAfter);
            Duration wait = unlimited ? unbounded.next(now, retryAfter) : budgeted;
            if (wait == null || stop.getCount() == 0) {
                return false;
            }
            if (attempts <= 3 || Long.bitCount(attempts) == 1) {
                log.warn("{} source={} attempt={} retrying in {} ms", why, source, attempts, wait.toMillis());
            }
            return sleeper.sleep(wait);
        }
    }

    /**
     * Stops: no more submits, waits up to the shutdown timeout for in-flight events, commits what was
     * acknowledged, then closes the sink, the checkpoint store and the dead-letter file.
     */
    @Override
    public void close() throws Exception {
        if (state.compareAndSet(State.CREATED, State.STOPPED)) {
            closeResources();
            return;
        }
        if (state.get() == State.STOPPED) {
            return;
        }
        beginShutdown();
        boolean idle = queue.awaitIdle(shutdownTimeout);
        queue.close();
        if (!idle) {
            AckLedger.Committable lag = ledger.snapshot();
            log.warn("shutdown timeout: {} events not delivered, their positions stay uncommitted source={} "
                    + "pendingRecords={} mostBacklogged={} ({} records)", queue.inFlightEvents(), source,
                    lag.pendingRecords(), lag.mostBackloggedPartition(), lag.mostBackloggedPending());
            stop.countDown();
        }
        joinDeliveryThreads(shutdownTimeout);
        if (deliveryThreads.stream().anyMatch(Thread::isAlive)) {
            stop.countDown();
            deliveryThreads.forEach(Thread::interrupt);
            joinDeliveryThreads(shutdownTimeout);
        }
        stop.countDown();
        commit();
        state.set(State.STOPPED);
        closeResources();
        log.info("pipeline stopped source={} committed={}", source, committed);
    }

    /** Waits for every delivery thread to end, at most {@code timeout} in all. */
    private void joinDeliveryThreads(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : deliveryThreads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(Duration.ofNanos(left));
            }
        }
    }

    private void closeResources() throws Exception {
        Exception first = null;
        for (AutoCloseable c : new AutoCloseable[] {sink, checkpoints, deadLetters}) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Builds a Pipeline; every setter validates and names a bad value. */
    public static final class Builder<T> {
        private final String source;
        private final Translator<T> translator;
        private final Sink sink;
        private CheckpointStore checkpoints = CheckpointStore.NONE;
        private DeadLetters deadLetters;
        private BatchLimits limits = BatchLimits.DEFAULTS;
        private int maxInFlightEvents = 10_000;
        private long maxInFlightBytes = 64L * 1024 * 1024;
        private RetryPolicy retry = RetryPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper;
        private PipelineMetrics metrics;
        private int dedupeWindow = 100_000;
        private OnGiveUp onGiveUp = OnGiveUp.DEAD_LETTER;
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private java.util.function.Consumer<Error> onFatalError = e -> {};
        private CommitPolicy commitPolicy = CommitPolicy.always();

        private Builder(String source, Translator<T> translator, Sink sink) {
            this.source = Objects.requireNonNull(source, "source");
            this.translator = Objects.requireNonNull(translator, "translator");
            this.sink = Objects.requireNonNull(sink, "sink");
        }

        public Builder<T> checkpoints(CheckpointStore store) {
            this.checkpoints = Objects.requireNonNull(store, "checkpoints");
            return this;
        }

        public Builder<T> deadLetters(DeadLetters deadLetters) {
            this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
            return this;
        }

        public Builder<T> batchLimits(BatchLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Bound on events submitted and not yet acknowledged; submit blocks beyond it. */
        public Builder<T> maxInFlight(int events, long bytes) {
            if (events < 1) {
                throw new IllegalArgumentException("max in-flight events must be >= 1: " + events);
            }
            if (bytes < 1) {
                throw new IllegalArgumentException("max in-flight bytes must be >= 1: " + bytes);
            }
            this.maxInFlightEvents = events;
            this.maxInFlightBytes = bytes;
            return this;
        }

        public Builder<T> retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        public Builder<T> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Overrides how retries wait (tests record the waits); the default waits on the stop signal. */
        public Builder<T> sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        public Builder<T> metrics(PipelineMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** How many (auditID, stage) keys are remembered for dedupe; 0 turns dedupe off. */
        public Builder<T> dedupeWindow(int keys) {
            if (keys < 0) {
                throw new IllegalArgumentException("dedupe window must be >= 0: " + keys);
            }
            this.dedupeWindow = keys;
            return this;
        }

        public Builder<T> onGiveUp(OnGiveUp onGiveUp) {
            this.onGiveUp = Objects.requireNonNull(onGiveUp, "onGiveUp");
            return this;
        }

        public Builder<T> shutdownTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("shutdown timeout must be >= 0: " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * What to do after an {@link Error} ended the delivery thread (it is logged first). The default does
         * nothing more: {@code /healthz} turns false; processes exit (see {@code BridgeRuntime}).
         */
        public Builder<T> onFatalError(java.util.function.Consumer<Error> handler) {
            this.onFatalError = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** When acknowledged positions are written; default after every batch. Drain and close always commit. */
        public Builder<T> commitPolicy(CommitPolicy policy) {
            this.commitPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Pipeline<T> build() {
            if (deadLetters == null) {
                throw new IllegalStateException("deadLetters is required: where undeliverable events go");
            }
            return new Pipeline<>(this);
        }
    }
}
