package io.auditbridge.gke;

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
        int code = logging.poll(runtime, translator, filter, new CloudLoggingSource.Settings(Duration.ZERO, Duration.ZERO,
                Duration.ofSeconds(1), logging.pageSize, logging.readsPerMinute, since, until), clock, drainTimeout);
        PipelineMetrics m = runtime.metrics();
        spec.commandLine().getErr().printf("gke backfill %s .. %s: %.0f requests, %.0f events delivered, %.0f skipped, %.0f record errors, %.0f deduplicated, %.0f dead-lettered%n",
                since, until, m.count("auditbridge.gke.read_requests"), m.count("auditbridge.events.out"),
                m.count("auditbridge.events.skipped"), m.count("auditbridge.records.errored"),
                m.count("auditbridge.events.deduped"), m.count("auditbridge.events.dead_lettered"));
        spec.commandLine().getErr().flush();
        return code;
    }
}
