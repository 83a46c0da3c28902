package io.auditbridge.aks;

import io.auditbridge.core.cli.HelpGroup;
import com.azure.messaging.eventhubs.EventProcessorClient;
import com.azure.messaging.eventhubs.EventProcessorClientBuilder;
import com.azure.messaging.eventhubs.LoadBalancingStrategy;
import com.azure.messaging.eventhubs.checkpointstore.blob.BlobCheckpointStore;
import com.azure.messaging.eventhubs.models.EventPosition;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.cli.Durations;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.OpsOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run}: the Event Hubs subscriber. An EventProcessorClient shares the hub's partitions with the other
 * replicas of the same consumer group (ownership and checkpoints in a Blob container); each partition's
 * batches go through {@link EventHubsBatchHandler}, which checkpoints only what the sink acknowledged.
 */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Read AKS audit records from Event Hubs and deliver them; checkpoints in Blob Storage after delivery.")
final class AksRunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(AksRunCommand.class);
    private static final Duration STORAGE_TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    EventHubsOptions eventHubs;

    @Mixin
    CheckpointContainerOptions checkpoints;

    @Mixin
    CategoryOptions categories;

    @Mixin
    SinkOptions sink;

    @Mixin
    PipelineOptions pipelineOptions;

    @Mixin
    OpsOptions ops;

    @Mixin
    LogOptions logOptions;

    @Option(names = "--start-position", paramLabel = "earliest|latest|TIME|AGO", defaultValue = "earliest",
            description = "Where a partition without a checkpoint starts: earliest (whole retention), latest, an RFC 3339 "
                    + "enqueued time, or a duration ago like 6h (default ${DEFAULT-VALUE}).")
    String startPosition;

    @Option(names = "--max-batch-messages", paramLabel = "N", defaultValue = "100",
            description = "Event Hubs messages per handler call; each is delivered and checkpointed as a whole (default ${DEFAULT-VALUE}).")
    int maxBatchMessages;

    @Option(names = "--max-batch-wait", paramLabel = "DURATION", defaultValue = "1s", converter = Durations.class,
            description = "Hand over a partial batch after this long (default ${DEFAULT-VALUE}).")
    Duration maxBatchWait;

    @Option(names = "--prefetch", paramLabel = "N", defaultValue = "500",
            description = "Messages the client reads ahead per partition, 1-8000 (default ${DEFAULT-VALUE}).")
    int prefetch;

    @HelpGroup(HelpGroup.Section.CHECKPOINTS)
    @Option(names = "--load-balancing", paramLabel = "balanced|greedy", defaultValue = "balanced",
            description = "How replicas share partitions: balanced (one at a time) or greedy (default ${DEFAULT-VALUE}).")
    LoadBalancingStrategy loadBalancing;

    @HelpGroup(HelpGroup.Section.OPERATIONS)
    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "20s", converter = Durations.class,
            description = "On SIGTERM, how long in-flight deliveries may finish (and checkpoint) before stopping (default ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Override
    public Integer call() throws Exception {
        if (maxBatchMessages < 1) {
            throw new ConfigException("--max-batch-messages", "must be >= 1: " + maxBatchMessages);
        }
        if (prefetch < 1 || prefetch > 8000) {
            throw new ConfigException("--prefetch", "must be between 1 and 8000: " + prefetch);
        }
        Clock clock = Clock.systemUTC();
        EventPosition initial = StartPosition.parse("--start-position", startPosition, clock);
        String namespace = eventHubs.fullyQualifiedNamespace(System::getenv);
        String hub = eventHubs.eventHub(System::getenv);
        String group = eventHubs.consumerGroup();
        BlobCheckpointStore store = checkpoints.store(System::getenv, STORAGE_TIMEOUT);

        // The Blob store owns this source's positions; DEAD_LETTER applies only with --max-retry-duration,
        // an explicit choice to dead-letter and move on. Without it a partition waits for its webhook.
        BridgeRuntime<byte[]> runtime = BridgeRuntime.builder("aks", categories.translator())
                .sink(sink).pipeline(pipelineOptions).ops(ops).build();
        return runtime.runReceiver(push -> {
            CountDownLatch stopping = new CountDownLatch(1);
            EventHubsBatchHandler handler = new EventHubsBatchHandler(push, store,
                    RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofMinutes(1)).build(),
                    Sleeper.until(stopping), clock, new PartitionLag(runtime.metrics()), STORAGE_TIMEOUT);

            Map<String, EventPosition> resume = ResumePositions.load(store, namespace, hub, group, STORAGE_TIMEOUT);
            log.info("event hub {}/{} consumer group {}: partitions {} resume after their checkpoints; others start at {}",
                    namespace, hub, group, resume.keySet(), startPosition);

            EventProcessorClientBuilder builder = eventHubs.applyTo(new EventProcessorClientBuilder(), System::getenv)
                    .checkpointStore(store)
                    .processEventBatch(handler, maxBatchMessages, maxBatchWait)
                    .processError(error -> log.warn("event hubs error partition={}: {}",
                            error.getPartitionContext() == null ? "-" : error.getPartitionContext().getPartitionId(),
                            error.getThrowable().toString()))
                    .processPartitionInitialization(init -> {
                        handler.partitionOpened(init.getPartitionContext().getPartitionId());
                        log.info("partition {} claimed", init.getPartitionContext().getPartitionId());
                    })
                    .processPartitionClose(close -> log.info("partition {} released: {}",
                            close.getPartitionContext().getPartitionId(), close.getCloseReason()))
                    .initialPartitionEventPosition(partition -> initial)
                    .trackLastEnqueuedEventProperties(true)
                    .loadBalancingStrategy(loadBalancing)
                    .prefetchCount(prefetch);
            EventProcessorClient processor = builder.buildEventProcessorClient();
            runtime.sourceReady(processor::isRunning);
            processor.start();
            return () -> {
                // In-flight batches may finish and checkpoint; then waits and retries end without checkpointing.
                log.info("stop requested: letting in-flight deliveries finish for up to {}", drainTimeout);
                try {
                    push.pipeline().drain(drainTimeout);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    stopping.countDown();
                    handler.stop();
                    processor.stop();
                }
            };
        });
    }
}
