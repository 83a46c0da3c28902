package io.auditbridge.eks;

import io.auditbridge.core.Pipeline;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.CheckpointOptions;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.cli.Durations;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.OpsOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: follow the cluster's audit log in CloudWatch Logs and deliver it until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Poll the EKS audit log streams in CloudWatch Logs (FilterLogEvents) and deliver the Events; "
                + "resumes from the checkpoint after a restart.")
final class EksRunCommand implements Callable<Integer> {
    enum SourceKind { cloudwatch }

    @Option(names = "--source", paramLabel = "cloudwatch", defaultValue = "cloudwatch",
            description = "Where the audit log comes from: cloudwatch (poll FilterLogEvents). Env: AUDITBRIDGE_SOURCE.")
    SourceKind sourceKind;

    @Option(names = "--lag", paramLabel = "DURATION", defaultValue = "2m", converter = Durations.class,
            description = "Each window ends this long before now; EKS delivers to CloudWatch within minutes (default ${DEFAULT-VALUE}).")
    Duration lag;

    @Option(names = "--overlap", paramLabel = "DURATION", defaultValue = "2m", converter = Durations.class,
            description = "Each window re-reads this much before the cursor to catch late events; also the "
                    + "re-delivery window after a restart (default ${DEFAULT-VALUE}).")
    Duration overlap;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "30s", converter = Durations.class,
            description = "How far the window must advance before the next query (default ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Option(names = "--initial-lookback", paramLabel = "DURATION", defaultValue = "10m", converter = Durations.class,
            description = "Without a checkpoint, start this long before now - lag (default ${DEFAULT-VALUE}).")
    Duration initialLookback;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Durations.class,
            description = "On SIGTERM, wait this long for in-flight events (default ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Mixin
    CloudWatchOptions cloudWatch;

    @Mixin
    SinkOptions sink;

    @Mixin
    PipelineOptions pipelineOptions;

    @Mixin
    CheckpointOptions checkpoint;

    @Mixin
    OpsOptions ops;

    @Mixin
    LogOptions logOptions;

    @Override
    public Integer call() throws Exception {
        CloudWatchAuditSource.Settings settings = settings();
        cloudWatch.validateRate();
        BridgeRuntime<CloudWatchLogEvent> runtime = BridgeRuntime.create(EksAuditTranslator.PROVIDER,
                new EksAuditTranslator(cloudWatch.clusterName(), cloudWatch.streamPrefix), sink, null, pipelineOptions, ops,
                checkpoint.store(), Pipeline.OnGiveUp.DEAD_LETTER);
        CloudWatchAuditSource source;
        try {
            Clock clock = Clock.systemUTC();
            source = CloudWatchAuditSource.follow(cloudWatch.client(), settings, clock,
                    new RequestRateLimiter(cloudWatch.requestsPerSecond, clock, Sleeper.SYSTEM), runtime.metrics());
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime.runPolling(source, pollInterval, drainTimeout);
    }

    private CloudWatchAuditSource.Settings settings() {
        for (var d : new Object[][] {{"--lag", lag}, {"--overlap", overlap}, {"--poll-interval", pollInterval},
                {"--initial-lookback", initialLookback}}) {
            if (((Duration) d[1]).isNegative()) {
                throw new ConfigException((String) d[0], "must be >= 0");
            }
        }
        if (pollInterval.isZero()) {
            throw new ConfigException("--poll-interval", "must be > 0");
        }
        return new CloudWatchAuditSource.Settings(cloudWatch.logGroup(), cloudWatch.streamPrefix, cloudWatch.filterPattern,
                lag, overlap, pollInterval, initialLookback);
    }
}
