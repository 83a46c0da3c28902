package io.auditbridge.eks;

import io.auditbridge.core.cli.Summaries;
import io.auditbridge.core.cli.Progress;
import io.auditbridge.core.cli.ProgressOptions;
import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.poll.RequestRateLimiter;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.cli.TimeRangeOptions;
import io.auditbridge.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code backfill --since --until}: deliver one fixed range of the audit log, then exit. */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Read a fixed time range of the EKS audit log from CloudWatch Logs, deliver it, and exit "
                + "(0 when everything was delivered).")
final class EksBackfillCommand implements Callable<Integer> {
    @Mixin
    CloudWatchOptions cloudWatch;

    @Mixin
    TimeRangeOptions range;

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

    @Override
    public Integer call() throws Exception {
        Clock clock = Clock.systemUTC();
        Instant since = range.since(clock);
        Instant until = range.until(clock);
        cloudWatch.validateRate();
        CloudWatchAuditSource.Settings settings = new CloudWatchAuditSource.Settings(cloudWatch.logGroup(),
                cloudWatch.streamPrefix, cloudWatch.filterPattern, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        BridgeRuntime<CloudWatchLogEvent> runtime = BridgeRuntime.builder(EksAuditTranslator.PROVIDER,
                        new EksAuditTranslator(cloudWatch.clusterName(), cloudWatch.streamPrefix))
                .sink(sink).pipeline(pipelineOptions).build();
        CloudWatchAuditSource source;
        try {
            source = CloudWatchAuditSource.backfill(cloudWatch.client(), settings, clock,
                    RequestRateLimiter.perSecond(cloudWatch.requestsPerSecond, clock, Sleeper.SYSTEM), runtime.metrics(), since, until);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        int code;
        try (Progress progress = Progress.start(progressOptions, spec.commandLine().getErr(), "eks backfill",
                () -> Summaries.delivered(runtime.metrics()), () -> Summaries.timeReached(runtime.metrics()))) {
            code = runtime.runPolling(source, Duration.ofSeconds(1), Duration.ofMinutes(5));
        }
        Summaries.backfill(spec.commandLine().getErr(), EksAuditTranslator.PROVIDER, since, until, runtime.metrics(), sink, java.util.Map.of());
        return code;
    }
}
