package io.auditbridge.gke;

import com.google.pubsub.v1.ProjectSubscriptionName;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.OpsOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.ProcessLifecycle;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.pipeline.Pipeline;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run --source pubsub}: a Pub/Sub subscriber in front of the pipeline. Nothing is checkpointed: an
 * unacked message is Pub/Sub's position. Failures are handed back (the message is nacked or its lease
 * lapses), never dead-lettered for a sink outage; only messages that are not LogEntry JSON are dead-lettered.
 */
final class PubsubRun implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(PubsubRun.class);

    private final PubsubOptions pubsub;
    private final CloudLoggingOptions logging;
    private final SinkOptions sink;
    private final PipelineOptions pipelineOptions;
    private final OpsOptions ops;
    private final Duration drainTimeout;

    PubsubRun(PubsubOptions pubsub, CloudLoggingOptions logging, SinkOptions sink, PipelineOptions pipelineOptions,
              OpsOptions ops, Duration drainTimeout) {
        this.pubsub = pubsub;
        this.logging = logging;
        this.sink = sink;
        this.pipelineOptions = pipelineOptions;
        this.ops = ops;
        this.drainTimeout = drainTimeout;
    }

    @Override
    public Integer call() throws Exception {
        ProjectSubscriptionName name = pubsub.subscriptionName();
        var credentials = pubsub.credentials(logging.credentialsFile);
        LogEntryTranslator entries = new LogEntryTranslator();
        PubsubTranslator translator = new PubsubTranslator(entries, logging.clusters, logging.locations);
        if (!logging.clusters.isEmpty() || !logging.locations.isEmpty()) {
            log.info("keeping clusters {} locations {} (others are acked and counted as other_cluster)",
                    logging.clusters.isEmpty() ? "any" : logging.clusters, logging.locations.isEmpty() ? "any" : logging.locations);
        }
        BridgeRuntime<byte[]> runtime = BridgeRuntime.builder("gke", translator).sink(sink).pipeline(pipelineOptions)
                .ops(ops).onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION).build();
        GkeMetrics.register(runtime.metrics(), entries);
        // The shared push lifecycle: the pipeline starts, the subscriber pulls until SIGTERM, then stops pulling and
        // waits for the messages in flight (--drain-timeout) before the pipeline drains and closes.
        return runtime.runReceiver(push -> {
            PubsubDelivery delivery = new PubsubDelivery(push.pipeline(), runtime.metrics());
            PubsubSubscriber subscriber = new PubsubSubscriber(name, pubsub, credentials, delivery,
                    pipelineOptions.maxInFlightEvents(), pipelineOptions.maxInFlightBytes(), drainTimeout, runtime.metrics());
            subscriber.start();
            runtime.sourceReady(subscriber::isReady);
            pubsub.started.accept(runtime);
            return new ProcessLifecycle.Receiver() {
                @Override
                public void stop() {
                    log.info("stop requested: no more pulls; finishing the messages in flight");
                    subscriber.close();
                }
            };
        });
    }
}