package io.auditbridge.core.pipeline;

import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.Sink;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import io.auditbridge.core.sink.DeadLetters;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery pipeline, the one place that translates, dedupes, batches, retries and commits:
 *
 * <pre>
 *   Source ──records──▶ submit()                                                        {@link Intake}
 *       Translator → dedupe → DeliveryQueue (bounded in flight: back-pressure)
 *                                  │ batches (count / bytes / age)
 *                                  ▼                                                    {@link DeliveryLoop}
 *       Sink (retry · split on reject · dead-letter, or hand back to the caller)
 *                                  │ acks
 *                                  ▼                                                    {@link Committer}
 *       AckLedger (safe positions) → CommitPolicy → CheckpointStore
 * </pre>
 *
 * <p>{@link #submit} may be called from several threads; it blocks while the in-flight bound is reached.
 * Delivery threads take batches from the queue, as many as the sink takes at once
 * ({@link Sink#maxConcurrentDeliveries()}): with one, batches reach the sink in submission order; with more,
 * each batch keeps its order but batches may overlap and arrive out of order. A source
 * position is committed only once every event of every record up to it was acknowledged or dead-lettered.
 * This class owns the lifecycle and wires the package-private parts together; each part is one step above.
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

    /**
     * The lifecycle, one state moved by compare-and-set (Debezium's engine): CREATED → STARTED → STOPPING →
     * STOPPED. Submits are refused before STARTED; from STOPPING on they fail (nothing after them commits).
     */
    public enum State { CREATED, STARTED, STOPPING, STOPPED }

    private final String source;
    private final Sink sink;
    private final CheckpointStore checkpoints;
    private final DeadLetters deadLetterFile;
    private final Duration shutdownTimeout;
    private final PipelineMetrics metrics;
    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    /** Counted down when stopping hard: every retry wait ends and what is not delivered is abandoned. */
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AckLedger ledger = new AckLedger(null);
    private final DeliveryQueue queue;
    private final DeadLetterWriter deadLetters;
    private final Intake<T> intake;
    private final DeliveryLoop delivery;
    private final Committer committer;
    /** One per batch the sink may take at once ({@link Sink#maxConcurrentDeliveries()}), all running {@link #delivery}. */
    private final List<Thread> deliveryThreads;

    private Pipeline(Builder<T> b) {
        this.source = b.source;
        this.sink = b.sink;
        this.checkpoints = b.checkpoints;
        this.deadLetterFile = b.deadLetters;
        this.shutdownTimeout = b.shutdownTimeout;
        this.metrics = b.metrics != null ? b.metrics : PipelineMetrics.inMemory(b.source);
        Sleeper sleeper = b.sleeper != null ? b.sleeper : Sleeper.until(stop);
        Backoff.Waits waits = Backoff.Waits.of(source, b.retry, b.clock, sleeper, stop);
        DedupeWindow dedupe = new DedupeWindow(b.dedupeWindow);
        InFlightCopies copies = new InFlightCopies(dedupe);
        this.queue = new DeliveryQueue(b.limits, b.maxInFlightEvents, b.maxInFlightBytes, b.clock);
        this.deadLetters = new DeadLetterWriter(source, b.deadLetters, metrics, waits, b.onGiveUp == OnGiveUp.DEAD_LETTER);
        this.committer = new Committer(source, checkpoints, ledger, b.commitPolicy, b.clock, metrics);
        this.intake = new Intake<>(source, b.translator, metrics, b.limits.maxEventBytes(), ledger, dedupe, copies,
                queue, deadLetters, b.onGiveUp == OnGiveUp.FAIL_SUBMISSION, b.clock);
        this.delivery = new DeliveryLoop(source, sink, queue, dedupe, copies, committer, deadLetters, waits, metrics,
                b.onGiveUp, b.clock, b.onFatalError);
        // Daemon: close() drains and commits; a sink stuck past the shutdown timeout must not keep the JVM alive.
        int threads = Math.max(1, sink.maxConcurrentDeliveries());
        List<Thread> delivering = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            delivering.add(Thread.ofPlatform().name("auditbridge-delivery-" + source + (i == 0 ? "" : "-" + i)).daemon(true)
                    .unstarted(delivery));
        }
        this.deliveryThreads = List.copyOf(delivering);
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
        Map<String, String> committed = committer.load();
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
        return intake.submit(records);
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

    /** Sends whatever is buffered without waiting for the batch to fill or age. */
    public void flush() {
        queue.flush();
    }

    /** Flushes, waits until every submitted event is done, and commits; false when {@code timeout} passed first. */
    public boolean drain(Duration timeout) throws InterruptedException {
        boolean idle = queue.awaitIdle(timeout);
        committer.commit();
        return idle;
    }

    /** The positions last written to the CheckpointStore. */
    public Map<String, String> committedPositions() {
        return committer.committed();
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    /** For {@code /healthz}: every delivery thread is running. */
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
            return now == State.CREATED ? "pipeline not started" : "pipeline " + now.name().toLowerCase(Locale.ROOT);
        }
        if (!isAlive()) {
            return "delivery thread stopped";
        }
        String s = delivery.sinkProblem();
        if (s != null) {
            return s;
        }
        String d = deadLetters.problem();
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

    /**
     * Stops: no more submits, waits up to the shutdown timeout for in-flight events, commits what was
     * acknowledged, then closes the sink, the checkpoint store and the dead-letter file.
     */
    @Override
    public void close() throws IOException, InterruptedException {
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
        committer.commit();
        state.set(State.STOPPED);
        closeResources();
        log.info("pipeline stopped source={} committed={}", source, committer.committed());
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

    /** Closes all three even when one fails; the first failure is thrown. */
    private void closeResources() throws IOException {
        Exception first = null;
        for (Closeable c : new Closeable[] {sink::close, checkpoints::close, deadLetterFile::close}) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first instanceof IOException io) {
            throw io;
        }
        if (first != null) {
            throw (RuntimeException) first;
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
        private Consumer<Error> onFatalError = e -> {};
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
        public Builder<T> onFatalError(Consumer<Error> handler) {
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
