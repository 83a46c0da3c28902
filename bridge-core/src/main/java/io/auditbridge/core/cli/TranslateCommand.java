package io.auditbridge.core.cli;

import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Submission;
import io.auditbridge.core.Translator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code translate [FILE...]}: reads saved provider records (stdin when no file or "-"), translates them and
 * writes NDJSON Events to stdout in input order (or to {@code --sink}); per-record errors and a summary with
 * counts go to stderr. A bridge supplies how its files decode into records and its translator.
 *
 * <p>Exit codes: 0 when every event reached the sink; 1 when any did not (refused by the sink, dead-lettered,
 * or never acknowledged), or with {@code --strict} when any record could not be translated; 2 when an input
 * cannot be read or an option is bad.
 */
public abstract class TranslateCommand<T> implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Input files; stdin when none or '-'.")
    protected List<String> files = new ArrayList<>();

    @HelpGroup(HelpGroup.Section.DELIVERY)
    @Option(names = "--strict", description = "Exit 1 when any input record could not be translated (default: "
            + "such records are counted in the summary and dead-lettered, and the exit code stays 0). Env: AUDITBRIDGE_STRICT.")
    protected boolean strict;

    @Mixin
    protected SinkOptions sink;

    @Mixin
    protected PipelineOptions pipelineOptions;

    @Mixin
    protected LogOptions logOptions;

    @Spec
    protected picocli.CommandLine.Model.CommandSpec spec;

    /** The provider name for metrics and logs: gke, eks, aks, openshift. */
    protected abstract String source();

    protected abstract Translator<T> translator();

    /**
     * Splits one input (a file's or stdin's bytes) into records. Input that cannot be split at all throws
     * IllegalArgumentException with a one-line reason; the file is then reported and skipped.
     */
    protected abstract List<SourceRecord<T>> decode(String name, byte[] content);

    @Override
    public Integer call() throws Exception {
        List<String> inputs = files.isEmpty() ? List.of("-") : files;
        // An input that cannot be read is a usage error (exit 2), found before anything is sent.
        for (String name : inputs) {
            if (!name.equals("-") && !Files.isReadable(Path.of(name))) {
                throw new ConfigException("FILE", "cannot read " + name + (Files.exists(Path.of(name)) ? ": permission denied" : ": no such file"));
            }
        }
        int badInputs = 0;
        try (BridgeRuntime<T> runtime = BridgeRuntime.builder(source(), translator())
                .sink(sink).defaultSink("console").pipeline(pipelineOptions).build()) {
            runtime.pipeline().start();
            List<Submission> submissions = new ArrayList<>();
            for (String name : inputs) {
                byte[] bytes;
                try {
                    bytes = name.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(name));
                } catch (IOException e) {
                    throw new ConfigException("FILE", "cannot read " + name + ": " + e.getMessage());
                }
                List<SourceRecord<T>> records;
                try {
                    records = decode(name, bytes);
                } catch (IllegalArgumentException e) {
                    spec.commandLine().getErr().println("error: " + name + ": " + e.getMessage());
                    badInputs++;
                    continue;
                }
                submissions.add(runtime.pipeline().submit(records));
            }
            runtime.pipeline().drain(Duration.ofDays(1));
            int events = 0, errors = 0, skipped = 0, deduped = 0, undelivered = 0;
            for (Submission s : submissions) {
                events += s.events();
                errors += s.errors();
                skipped += s.skipped();
                deduped += s.deduped();
                if (!s.done().isDone()) {
                    undelivered++;
                } else {
                    try {
                        s.done().get();
                    } catch (ExecutionException e) {
                        undelivered++;
                    }
                }
            }
            var m = runtime.metrics();
            long delivered = Math.round(m.count("auditbridge.events.out"));
            long refused = Math.round(m.count("auditbridge.events.dead_lettered", "reason", "rejected"));
            long gaveUp = Math.round(m.count("auditbridge.events.dead_lettered", "reason", "gave_up"));
            long tooLarge = Math.round(m.count("auditbridge.events.dead_lettered", "reason", "event_too_large"));
            boolean notDelivered = undelivered > 0 || refused + gaveUp + tooLarge > 0;
            boolean badRecords = errors > 0 || badInputs > 0;
            spec.commandLine().getErr().printf(
                    "%s: %d events, %d record errors, %d skipped, %d deduplicated; %d delivered, %d refused by the sink, "
                            + "%d given up after retrying, %d too large (those three dead-lettered), %d inputs not fully "
                            + "delivered, %d undecodable inputs%n",
                    source(), events, errors, skipped, deduped, delivered, refused, gaveUp, tooLarge, undelivered, badInputs);
            if (notDelivered) {
                spec.commandLine().getErr().println("error: not every event reached the sink (exit 1)");
            } else if (badRecords && strict) {
                spec.commandLine().getErr().println("error: bad input records and --strict (exit 1)");
            }
            spec.commandLine().getErr().flush();
            return notDelivered || (badRecords && strict) ? BridgeCli.EXIT_DELIVERY : 0;
        }
    }
}
