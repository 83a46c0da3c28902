package io.auditbridge.core.cli;

import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.Pipeline;
import io.auditbridge.core.Sink;
import io.auditbridge.core.Source;
import io.auditbridge.core.Translator;
import io.auditbridge.core.kubernetes.LeaderElectedCheckpointStore;
import io.auditbridge.core.kubernetes.LeaseLeadership;
import io.auditbridge.core.ops.OpsServer;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.SourceRunner;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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
    private final OpsServer ops;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile BooleanSupplier sourceReady = () -> true;
    private final LeaseLeadership leadership;
    private volatile boolean standby;
    private volatile SourceRunner<T> runner;
    private final java.util.List<BooleanSupplier> liveness = new java.util.concurrent.CopyOnWriteArrayList<>();

    private BridgeRuntime(PipelineMetrics metrics, Pipeline<T> pipeline, OpsServer ops, LeaseLeadership leadership) {
        this.metrics = metrics;
        this.pipeline = pipeline;
        this.ops = ops;
        this.leadership = leadership;
    }

    /**
     * Builds and starts the pipeline (not the source) and the ops endpoint.
     *
     * @param defaultSink the sink when {@code --sink} is absent; null makes it required
     * @param ops         null for one-shot commands (no endpoint)
     */
    public static <T> BridgeRuntime<T> create(String source, Translator<T> translator, SinkOptions sinkOptions,
                                              String defaultSink, PipelineOptions pipelineOptions, OpsOptions ops,
                                              CheckpointStore checkpoints, Pipeline.OnGiveUp onGiveUp) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PipelineMetrics metrics = new PipelineMetrics(registry, source);
        Sink sink = sinkOptions.create(defaultSink, metrics);
        Pipeline.Builder<T> b = Pipeline.builder(source, translator, sink)
                .metrics(metrics)
                .checkpoints(checkpoints)
                .onGiveUp(onGiveUp)
                .deadLetters(pipelineOptions.deadLetters(Clock.systemUTC()));
        pipelineOptions.applyTo(b);
        Pipeline<T> pipeline = b.build();
        BridgeRuntime<T>[] self = new BridgeRuntime[1];
        OpsServer server = null;
        if (ops != null && ops.port >= 0) {
            try {
                server = OpsServer.start(ops.host, ops.port, registry, () -> self[0].isAlive(),
                        () -> self[0].notReadyReason());
            } catch (IOException e) {
                throw new ConfigException("--metrics-port", "cannot listen on " + ops.host + ":" + ops.port + ": " + e.getMessage());
            }
        }
        LeaseLeadership leadership = checkpoints instanceof LeaderElectedCheckpointStore l ? l.leadership() : null;
        self[0] = new BridgeRuntime<>(metrics, pipeline, server, leadership);
        return self[0];
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

    /** {@code /readyz}: a standby waiting for the Lease is ready (it is healthy and takes over when needed). */
    /** Why {@code /readyz} answers 503 (the pipeline's reason first: sink, dead letters, a stuck partition), or null. */
    public String notReadyReason() {
        if (standby) {
            return null;
        }
        String why = pipeline.notReadyReason();
        if (why != null) {
            return why;
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
                Sleeper.until(stop), Clock.systemUTC());
        this.runner = runner;
        AtomicBoolean lostLeadership = new AtomicBoolean();
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            log.info("stop requested: finishing in-flight deliveries");
            runner.stop();
            if (leadership != null) {
                leadership.stopStandingBy();
            }
            stop.countDown();
            awaitStopped();
        });
        Runtime.getRuntime().addShutdownHook(hook);
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
                stopped.countDown();
                removeHook(hook);
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
                stop.countDown();
            });
        } finally {
            standby = false;
        }
    }

    /** For push sources (receivers, subscribers): blocks until SIGTERM, then the caller closes. */
    public void awaitShutdown() throws InterruptedException {
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            stop.countDown();
            awaitStopped();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
    }

    /** Ends {@link #awaitShutdown}, or a {@link #runPolling} standing by or sleeping, from inside the process (tests, fatal source errors). */
    public void requestStop() {
        SourceRunner<T> r = runner;
        if (r != null) {
            r.stop();
        }
        if (leadership != null) {
            leadership.stopStandingBy();
        }
        stop.countDown();
    }

    /** Marks shutdown finished so a SIGTERM hook waiting in {@link #awaitShutdown} lets the JVM exit. */
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

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running and waits for us; nothing to remove
        }
    }

    @Override
    public void close() throws Exception {
        try {
            pipeline.close();
        } finally {
            if (ops != null) {
                ops.close();
            }
        }
    }
}
