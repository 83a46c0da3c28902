package io.auditbridge.gke;

import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.kubernetes.CheckpointOptions;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.cli.Durations;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.OpsOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: poll Cloud Logging for GKE audit entries and deliver them, resuming from the checkpoint. */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Poll Cloud Logging (default) or pull a Pub/Sub subscription (--source pubsub) for GKE audit entries "
                + "and deliver audit Events to --sink, forever.")
final class GkeRunCommand implements Callable<Integer> {
    /** Where entries come from. */
    enum SourceKind { poll, pubsub }

    @Option(names = "--source", paramLabel = "poll|pubsub", defaultValue = "poll",
            description = "poll: entries.list on Cloud Logging (default); pubsub: streaming pull of --subscription, fed by a "
                    + "Log Router sink (scales by replicas, no read quota). Env: AUDITBRIDGE_SOURCE.")
    SourceKind source;

    @Mixin
    CloudLoggingOptions logging;

    @Mixin
    PubsubOptions pubsub;

    @Mixin
    SinkOptions sink;

    @Mixin
    PipelineOptions pipelineOptions;

    @Mixin
    OpsOptions ops;

    @Mixin
    CheckpointOptions checkpoint;

    @Mixin
    LogOptions logOptions;

    @Option(names = "--lag", paramLabel = "DURATION", defaultValue = "30s", converter = Durations.class,
            description = "A window ends this far behind now, so late-ingested entries are in (default ${DEFAULT-VALUE}).")
    Duration lag;

    @Option(names = "--overlap", paramLabel = "DURATION", defaultValue = "15s", converter = Durations.class,
            description = "A window starts this far before the last one ended, to catch entries later still; re-read entries are skipped (default ${DEFAULT-VALUE}).")
    Duration overlap;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
            description = "Least time between two windows (default ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @HelpGroup(HelpGroup.Section.OPERATIONS)
    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Durations.class,
            description = "On SIGTERM, how long to wait for in-flight deliveries (default ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Override
    public Integer call() throws Exception {
        if (source == SourceKind.pubsub) {
            return new PubsubRun(pubsub, logging, sink, pipelineOptions, ops, drainTimeout).call();
        }
        if (lag.isNegative() || overlap.isNegative()) {
            throw new ConfigException(lag.isNegative() ? "--lag" : "--overlap", "must not be negative");
        }
        AuditLogFilter filter = logging.filter(GceMetadata.fromEnvironment());
        LogEntryTranslator translator = new LogEntryTranslator();
        BridgeRuntime<com.google.logging.v2.LogEntry> runtime = BridgeRuntime.builder("gke", translator)
                .sink(sink).pipeline(pipelineOptions).ops(ops).checkpoints(checkpoint.store()).build();
        return logging.poll(runtime, translator, filter, new CloudLoggingSource.Settings(lag, overlap, pollInterval,
                logging.pageSize, logging.readsPerMinute, null, null), Clock.systemUTC(), drainTimeout);
    }
}
