package io.auditbridge.core.cli;

import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.Leadership;
import io.auditbridge.core.Sink;
import io.auditbridge.core.Source;
import io.auditbridge.core.Translator;
import io.auditbridge.core.ops.OpsServer;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.pipeline.SourceRunner;
import io.auditbridge.core.push.PushBudget;
import io.auditbridge.core.push.PushDelivery;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring a bridge's {@code run} and {@code backfill} share: metrics registry, sink from options, pipeline,
 * the ops endpoint, and a SIGTERM hook that stops fetching, drains and commits.
 */
public final class BridgeRuntime<T> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BridgeRuntime.class);
    /** Exit code of a {@code run} that stopped because another replica took the Lease (the pod restarts as standby). */
    public static final int EXIT_LOST_LEADERSHIP = 3;

    private final PipelineMetrics metrics;
    private final Pipeline<T> pipeline;
    private final PushDelivery<T> push;
    private final OpsServer ops;
    private final ProcessLifecycle lifecycle = new ProcessLifecycle();
    private volatile BooleanSupplier sourceReady = () -> true;
    private final Leadership leadership;
    private volatile boolean standby;
    private volatile SourceRunner<T> runner;
    private final java.util.List<BooleanSupplier> liveness = new java.util.concurrent.CopyOnWriteArrayList<>();

    private BridgeRuntime(Builder<T> b) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new PipelineMetrics(registry, b.source);
        Sink sink = b.sinkOptions.create(b.defaultSink, metrics);
        Pipeline.Builder<T> pb = Pipeline.builder(b.source, b.translator, sink)
                .metrics(metrics)
                .checkpoints(b.checkpoints)
                .deadLetters(b.pipelineOptions.deadLetters(Clock.systemUTC()))
                .onFatalError(BridgeRuntime::exitOnFatalError);
        if (b.pushBudget.bounded()) {
            // A push answers within its deadline: failures go back to the caller, who retries.
            pb.onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION);
            b.pipelineOptions.applyTo(pb, b.pushBudget.retry());
        } else {
            pb.onGiveUp(b.onGiveUp);
            b.pipelineOptions.applyTo(pb);
        }
        this.pipeline = pb.build();
        this.push = new PushDelivery<>(pipeline, b.pushBudget, b.retryAfter);
        this.leadership = b.checkpoints instanceof Leadership.Elected l ? l.leadership() : null;
        OpsServer server = null;
        if (b.ops != null && b.ops.port >= 0) {
            try {
                server = OpsServer.start(b.ops.host, b.ops.port, registry, this::isAlive, this::notReadyReason);
            } catch (IOException e) {
                throw new ConfigException("--metrics-port", "cannot listen on " + b.ops.host + ":" + b.ops.port + ": " + e.getMessage());
            }
        }
        this.ops = server;
    }

    /** Starts describing a runtime for {@code source} events translated by {@code translator}. */
    public static <T> Builder<T> builder(String source, Translator<T> translator) {
        return new Builder<>(source, translator);
    }

    /** Exit code after an Error on the delivery thread (EX_SOFTWARE): the orchestrator restarts, the checkpoint resumes. */
    public static final int EXIT_FATAL = 70;

    private static void exitOnFatalError(Error e) {
        System.err.println("fatal: " + e + " on the delivery thread; exiting " + EXIT_FATAL);
        System.err.flush();
        // halt, not exit: after an Error, shutdown hooks may hang on the broken state; nothing unacknowledged was committed.
        Runtime.getRuntime().halt(EXIT_FATAL);
    }

    public Pipeline<T> pipeline() {
        return pipeline;
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    /** The bound port of the ops endpoint, or -1. */
    public int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    /** {@code /healthz}: the delivery thread and every added check (a receiver's server) are alive. */
    private boolean isAlive() {
        if (standby) {
            return true;
        }
        if (!pipeline.isAlive()) {
            return false;
        }
        for (BooleanSupplier check : liveness) {
            if (!check.getAsBoolean()) {
                return false;
            }
        }
        return true;
    }

    /** Adds a check to {@code /healthz}, e.g. a receiver's {@code isAlive}. */
    public void addLivenessCheck(BooleanSupplier alive) {
        liveness.add(alive);
    }

    /**
     * Why {@code /readyz} answers 503 (the pipeline's reason first: sink, dead letters, a stuck partition), or null.
     * A standby waiting for the Lease is ready (it is healthy and takes over when needed).
     */
    public String notReadyReason() {
        if (standby) {
            return null;
        }
        String why = pipeline.notReadyReason();
        if (why != null) {
            return why;
        }
        SourceRunner<T> r = runner;
        String sourceWhy = r == null ? null : r.notReadyReason();
        if (sourceWhy != null) {
            return "source not ready: " + sourceWhy;
        }
        return sourceReady.getAsBoolean() ? null : "source not ready: the last fetch failed";
    }

    /** Adds the source's own check to {@code /readyz}. */
    public void sourceReady(BooleanSupplier ready) {
        this.sourceReady = ready;
    }

    /**
     * Polls {@code source} into the pipeline until it is exhausted or the process is told to stop, then
     * drains and commits. Returns the exit code: 0 when everything fetched was delivered.
     *
     * <p>With {@code --leader-election} it first stands by until this replica holds the Lease, then loads
     * the shared checkpoint and polls; losing the Lease stops polling, drains, and returns
     * {@link #EXIT_LOST_LEADERSHIP}.
     */
    public int runPolling(Source<T> source, Duration pollInterval, Duration drainTimeout) throws Exception {
        sourceReady(source::isReady);
        SourceRunner<T> runner = new SourceRunner<>(source, pipeline, pollInterval,
                RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofMinutes(2)).build(),
                Sleeper.until(lifecycle.stopSignal()), Clock.systemUTC());
        this.runner = runner;
        AtomicBoolean lostLeadership = new AtomicBoolean();
        Thread hook = lifecycle.installHook(() -> {
            log.info("stop requested: finishing in-flight deliveries");
            runner.stop();
            // A source blocked on back-pressure (the sink down) returns now; deliveries get the shutdown timeout.
            pipeline.beginShutdown();
            if (leadership != null) {
                leadership.stopStandingBy();
            }
        });
        try {
            if (leadership != null && !awaitLeadership(runner, lostLeadership)) {
                return 0;
            }
            boolean delivered = runner.run(drainTimeout);
            if (lostLeadership.get()) {
                return EXIT_LOST_LEADERSHIP;
            }
            if (!delivered) {
                return BridgeCli.EXIT_DELIVERY;
            }
            // A backfill that reached its end succeeded only if the sink took every event: an event it refused
            // (or that was too large, or given up after --max-retry-duration) sits in the dead-letter file.
            double notDelivered = metrics.count("auditbridge.events.dead_lettered", "reason", "rejected")
                    + metrics.count("auditbridge.events.dead_lettered", "reason", "gave_up")
                    + metrics.count("auditbridge.events.dead_lettered", "reason", "event_too_large");
            if (runner.exhausted() && notDelivered > 0) {
                log.error("{} events were not delivered to the sink (see the dead-letter file)", Math.round(notDelivered));
                return BridgeCli.EXIT_DELIVERY;
            }
            return 0;
        } finally {
            try {
                source.close();
                close();
            } finally {
                lifecycle.markStopped();
                ProcessLifecycle.removeHook(hook);
            }
        }
    }

    /** Stands by until this replica leads (true) or is stopped first (false). */
    private boolean awaitLeadership(SourceRunner<T> runner, AtomicBoolean lost) throws InterruptedException {
        standby = true;
        try {
            return leadership.awaitLeadership(() -> {
                lost.set(true);
                log.warn("lost the lease: stopping polling; the new leader resumes from the shared checkpoint");
                runner.stop();
                pipeline.beginShutdown();
                lifecycle.requestStop();
            });
        } finally {
            standby = false;
        }
    }

    /** Starts a push endpoint once the pipeline runs; it hands pushes to the shared {@link PushDelivery}. */
    @FunctionalInterface
    public interface ReceiverStart<T> {
        ProcessLifecycle.Receiver start(PushDelivery<T> push) throws Exception;
    }

    /**
     * The lifecycle of every push command (HTTP receivers, subscribers): starts the pipeline and the endpoint,
     * serves until SIGTERM or {@link #requestStop()}, stops the endpoint (requests in flight are answered),
     * ends the waits still open, drains and closes the pipeline, and only then lets the JVM exit. Returns 0.
     */
    public int runReceiver(ReceiverStart<T> start) throws Exception {
        return lifecycle.serve(() -> {
            pipeline.start();
            ProcessLifecycle.Receiver receiver = start.start(push);
            addLivenessCheck(receiver::isAlive);
            return receiver;
        }, () -> {
            push.stop();
            close();
        });
    }

    /** The shared hand-off for this runtime's push endpoint. */
    public PushDelivery<T> push() {
        return push;
    }

    /** Ends {@link #runReceiver}, or a {@link #runPolling} standing by or sleeping, from inside the process (tests, fatal source errors). */
    public void requestStop() {
        SourceRunner<T> r = runner;
        if (r != null) {
            r.stop();
            pipeline.beginShutdown();
        }
        if (leadership != null) {
            leadership.stopStandingBy();
        }
        lifecycle.requestStop();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            pipeline.close();
        } finally {
            if (ops != null) {
                ops.close();
            }
        }
    }

    /** Describes a runtime; {@link #build()} creates the sink, the pipeline (not started) and the ops endpoint. */
    public static final class Builder<T> {
        private final String source;
        private final Translator<T> translator;
        private SinkOptions sinkOptions;
        private String defaultSink;
        private PipelineOptions pipelineOptions;
        private OpsOptions ops;
        private CheckpointStore checkpoints = CheckpointStore.NONE;
        private Pipeline.OnGiveUp onGiveUp = Pipeline.OnGiveUp.DEAD_LETTER;
        private PushBudget pushBudget = PushBudget.UNBOUNDED;
        private Duration retryAfter = Duration.ofSeconds(5);

        private Builder(String source, Translator<T> translator) {
            this.source = Objects.requireNonNull(source, "source");
            this.translator = Objects.requireNonNull(translator, "translator");
        }

        /** Where events go ({@code --sink}, required). */
        public Builder<T> sink(SinkOptions options) {
            this.sinkOptions = Objects.requireNonNull(options, "sink options");
            return this;
        }

        /** The sink when {@code --sink} is absent (translate's console); without it {@code --sink} is required. */
        public Builder<T> defaultSink(String sink) {
            this.defaultSink = sink;
            return this;
        }

        public Builder<T> pipeline(PipelineOptions options) {
            this.pipelineOptions = Objects.requireNonNull(options, "pipeline options");
            return this;
        }

        /** The {@code /metrics}, {@code /healthz}, {@code /readyz} endpoint; none without it (one-shot commands). */
        public Builder<T> ops(OpsOptions options) {
            this.ops = options;
            return this;
        }

        /** Where a poller's positions are committed; none by default (push sources). */
        public Builder<T> checkpoints(CheckpointStore store) {
            this.checkpoints = Objects.requireNonNull(store, "checkpoints");
            return this;
        }

        /** What happens once the retry budget is spent, for sources without a push deadline. */
        public Builder<T> onGiveUp(Pipeline.OnGiveUp onGiveUp) {
            this.onGiveUp = Objects.requireNonNull(onGiveUp, "onGiveUp");
            return this;
        }

        /**
         * A push entry point: with a bounded budget the pipeline hands failures back
         * ({@link Pipeline.OnGiveUp#FAIL_SUBMISSION}) after {@code budget.retry()}, and a receiver's 503 asks
         * for {@code retryAfter}.
         */
        public Builder<T> push(PushBudget budget, Duration retryAfter) {
            this.pushBudget = Objects.requireNonNull(budget, "budget");
            this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
            return this;
        }

        public BridgeRuntime<T> build() throws IOException {
            if (sinkOptions == null || pipelineOptions == null) {
                throw new IllegalStateException("sink and pipeline options are required");
            }
            return new BridgeRuntime<>(this);
        }
    }
}
