package io.auditbridge.aks;

import io.auditbridge.core.cli.Summaries;
import io.auditbridge.core.cli.Progress;
import io.auditbridge.core.cli.ProgressOptions;
import io.auditbridge.core.cli.HelpGroup;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.cli.Durations;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.cli.TimeRangeOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code backfill}: reads each partition between two enqueued times with an EventHubConsumerClient, no checkpoints. */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Deliver the AKS audit records enqueued in a time window (within the hub's retention), then exit.")
final class AksBackfillCommand implements Callable<Integer> {
    @Mixin
    EventHubsOptions eventHubs;

    @Mixin
    TimeRangeOptions range;

    @Mixin
    CategoryOptions categories;

    @Mixin
    SinkOptions sink;

    @Mixin
    PipelineOptions pipelineOptions;

    @Mixin
    LogOptions logOptions;

    @Mixin
    ProgressOptions progressOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--partitions", paramLabel = "ID", split = ",",
            description = "Only these partitions, comma-separated (default: all).")
    List<String> partitions = new ArrayList<>();

    @Option(names = "--max-batch-messages", paramLabel = "N", defaultValue = "200",
            description = "Messages per read (default ${DEFAULT-VALUE}).")
    int maxBatchMessages;

    @Option(names = "--read-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "A read that returns nothing for this long ends its partition (default ${DEFAULT-VALUE}).")
    Duration readTimeout;

    @Override
    public Integer call() throws Exception {
        if (maxBatchMessages < 1) {
            throw new ConfigException("--max-batch-messages", "must be >= 1: " + maxBatchMessages);
        }
        Clock clock = Clock.systemUTC();
        Instant since = range.since(clock);
        Instant until = range.until(clock);
        var client = eventHubs.applyTo(new EventHubClientBuilder(), System::getenv).buildConsumerClient();
        EventHubsBackfillSource source = new EventHubsBackfillSource(new ConsumerPartitionReader(client, readTimeout),
                partitions, since, until, maxBatchMessages);
        BridgeRuntime<byte[]> runtime = BridgeRuntime.builder("aks", categories.translator())
                .sink(sink).pipeline(pipelineOptions).build();
        int code;
        try (Progress progress = Progress.start(progressOptions, spec.commandLine().getErr(), "aks backfill",
                () -> Summaries.delivered(runtime.metrics()), () -> Summaries.timeReached(runtime.metrics()))) {
            code = runtime.runPolling(source, Duration.ZERO, Duration.ofMinutes(5));
        }
        Summaries.backfill(spec.commandLine().getErr(), "aks", since, until, runtime.metrics(), sink, java.util.Map.of());
        return code;
    }
}
