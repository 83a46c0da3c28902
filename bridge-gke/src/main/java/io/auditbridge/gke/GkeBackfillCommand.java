package io.auditbridge.gke;

import io.auditbridge.core.cli.Summaries;
import io.auditbridge.core.cli.Progress;
import io.auditbridge.core.cli.ProgressOptions;
import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.Durations;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.cli.TimeRangeOptions;
import io.auditbridge.core.ops.PipelineMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backfill --since --until}: read one fixed range once, deliver it, print a summary and exit. */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Read GKE audit entries of a fixed time range once, deliver them to --sink and exit with a summary.")
final class GkeBackfillCommand implements Callable<Integer> {
    @Mixin
    CloudLoggingOptions logging;

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

    @HelpGroup(HelpGroup.Section.OPERATIONS)
    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "5m", converter = Durations.class,
            description = "How long to wait for the last deliveries before giving up (default ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Time source for --since/--until given as durations ago; tests replace it. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        Instant since = range.since(clock);
        Instant until = range.until(clock);
        AuditLogFilter filter = logging.filter(GceMetadata.fromEnvironment());
        LogEntryTranslator translator = new LogEntryTranslator();
        BridgeRuntime<com.google.logging.v2.LogEntry> runtime = BridgeRuntime.builder("gke", translator)
                .sink(sink).pipeline(pipelineOptions).build();
        Progress progress = Progress.start(progressOptions, spec.commandLine().getErr(), "gke backfill",
                () -> Summaries.delivered(runtime.metrics()), () -> Summaries.timeReached(runtime.metrics()));
        int code;
        try {
            code = logging.poll(runtime, translator, filter, new CloudLoggingSource.Settings(Duration.ZERO, Duration.ZERO,
                Duration.ofSeconds(1), logging.pageSize, logging.readsPerMinute, since, until), clock, drainTimeout);
        } finally {
            progress.close();
        }
        PipelineMetrics m = runtime.metrics();
        Summaries.backfill(spec.commandLine().getErr(), "gke", since, until, m, sink,
                java.util.Map.of("requests", (long) m.count("auditbridge.gke.read_requests")));
        return code;
    }
}
