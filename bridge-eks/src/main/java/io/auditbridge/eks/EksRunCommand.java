package io.auditbridge.eks;

import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.poll.RequestRateLimiter;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.kubernetes.CheckpointOptions;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.cli.Durations;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.OpsOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.ReceiverOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.cli.TokenFile;
import io.auditbridge.core.http.HttpReceiverConfig;
import io.auditbridge.core.retry.Sleeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run}: follow the cluster's audit log in CloudWatch Logs ({@code --source cloudwatch}), or serve the
 * HTTP endpoint a Firehose stream fed by a subscription filter delivers to ({@code --source firehose}), and
 * deliver the Events until stopped.
 */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "cloudwatch: poll the EKS audit log streams in CloudWatch Logs (FilterLogEvents), resuming from "
                + "the checkpoint after a restart. firehose: serve Amazon Data Firehose's HTTP endpoint destination.")
final class EksRunCommand implements Callable<Integer> {
    enum SourceKind { cloudwatch, firehose }

    static final String FIREHOSE_PATH = "/firehose";

    @Option(names = "--source", paramLabel = "cloudwatch|firehose", defaultValue = "cloudwatch",
            description = "cloudwatch: poll FilterLogEvents; firehose: receive from a Firehose HTTP endpoint destination "
                    + "(default ${DEFAULT-VALUE}). Env: AUDITBRIDGE_SOURCE.")
    SourceKind sourceKind;

    @HelpGroup(HelpGroup.Section.RECEIVER)
    @Option(names = "--firehose-access-key-file", paramLabel = "FILE",
            description = "firehose: file holding the access key configured on the Firehose stream (X-Amz-Firehose-Access-Key); "
                    + "re-read when it changes. Env: AUDITBRIDGE_FIREHOSE_ACCESS_KEY_FILE.")
    Path firehoseAccessKeyFile;

    @HelpGroup(HelpGroup.Section.RECEIVER)
    @Option(names = "--firehose-access-key", paramLabel = "KEY", hidden = true,
            description = "firehose: the access key itself; prefer the file or the AUDITBRIDGE_FIREHOSE_ACCESS_KEY variable.")
    String firehoseAccessKey;

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

    @HelpGroup(HelpGroup.Section.OPERATIONS)
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

    @Mixin
    ReceiverOptions receiver;


    @Override
    public Integer call() throws Exception {
        return sourceKind == SourceKind.firehose ? runFirehose() : runCloudWatch();
    }

    private int runCloudWatch() throws Exception {
        CloudWatchAuditSource.Settings settings = settings();
        cloudWatch.validateRate();
        BridgeRuntime<CloudWatchLogEvent> runtime = BridgeRuntime.builder(EksAuditTranslator.PROVIDER,
                        new EksAuditTranslator(cloudWatch.clusterName(), cloudWatch.streamPrefix))
                .sink(sink).pipeline(pipelineOptions).ops(ops).checkpoints(checkpoint.store()).build();
        CloudWatchAuditSource source;
        try {
            Clock clock = Clock.systemUTC();
            source = CloudWatchAuditSource.follow(cloudWatch.client(), settings, clock,
                    RequestRateLimiter.perSecond(cloudWatch.requestsPerSecond, clock, Sleeper.SYSTEM), runtime.metrics());
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime.runPolling(source, pollInterval, drainTimeout);
    }

    private int runFirehose() throws Exception {
        Supplier<String> key = firehoseAccessKey();
        // Firehose's HTTP endpoint destination always sends application/json.
        HttpReceiverConfig config = receiver.toConfig(FIREHOSE_PATH).withBudgetBytes(pipelineOptions.maxInFlightBytes())
                .withMediaTypes(java.util.List.of("application/json"));
        // Answer before the receiver's timeout (and Firehose's 3 minutes) with a definite error, never a hang.
        BridgeRuntime<CloudWatchLogEvent> runtime = BridgeRuntime.builder(EksAuditTranslator.PROVIDER,
                        new EksAuditTranslator(cloudWatch.clusterName(), cloudWatch.streamPrefix))
                .sink(sink).pipeline(pipelineOptions).ops(ops)
                .push(receiver.pushBudget(pipelineOptions), config.retryAfter()).build();
        return runtime.runReceiver(push -> receiver.listen(config,
                new FirehoseRequestHandler(key, push, Clock.systemUTC()), FirehoseRequestHandler.observer(runtime.metrics())));
    }

    private Supplier<String> firehoseAccessKey() {
        if (firehoseAccessKeyFile != null) {
            if (!Files.isReadable(firehoseAccessKeyFile)) {
                throw new ConfigException("--firehose-access-key-file", "cannot read " + firehoseAccessKeyFile);
            }
            return new TokenFile(firehoseAccessKeyFile);
        }
        if (firehoseAccessKey != null && !firehoseAccessKey.isBlank()) {
            String k = firehoseAccessKey.trim();
            return () -> k;
        }
        throw new ConfigException("--firehose-access-key-file", "required with --source firehose (or AUDITBRIDGE_FIREHOSE_ACCESS_KEY)");
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
