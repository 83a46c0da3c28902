package io.auditbridge.core.cli;

import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import io.auditbridge.core.pipeline.Submission;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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

    @HelpGroup(HelpGroup.Section.OPERATIONS)
    @Option(names = "--strict", description = "Exit 1 when any input record could not be translated (default: "
            + "such records are counted in the summary and dead-lettered, and the exit code stays 0). Env: AUDITBRIDGE_STRICT.")
    protected boolean strict;

    @Mixin
    protected SinkOptions sink;

    @Mixin
    protected PipelineOptions pipelineOptions;

    @Mixin
    protected LogOptions logOptions;

    @Mixin
    protected ProgressOptions progressOptions;

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

    /**
     * Streams one input's records to {@code out} as they are read, so a large input never sits in memory and
     * delivery starts with the first record; {@code out} blocks while the pipeline's in-flight bound is full.
     * The default reads the whole input and calls {@link #decode(String, byte[])}; bridges whose inputs can be
     * large override it. Input that cannot be split throws IllegalArgumentException with a one-line reason (the
     * records before it were already handed on).
     */
    protected void decode(String name, InputStream in, RecordConsumer<T> out) throws IOException, InterruptedException {
        for (SourceRecord<T> record : decode(name, in.readAllBytes())) {
            out.accept(record);
        }
    }

    /** Takes one decoded record; blocks under back-pressure. */
    @FunctionalInterface
    public interface RecordConsumer<T> {
        void accept(SourceRecord<T> record) throws InterruptedException;
    }

    /** What became of one input's records: submissions not yet finished, and whether any failed. */
    private static final class InputOutcome {
        final java.util.concurrent.atomic.AtomicLong pending = new java.util.concurrent.atomic.AtomicLong();
        volatile boolean failed;

        boolean undelivered() {
            return failed || pending.get() > 0;
        }
    }

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
            List<InputOutcome> outcomes = new ArrayList<>();
            long[] counts = new long[4]; // events, errors, skipped, deduped: counted as each record is submitted
            java.util.concurrent.atomic.AtomicReference<String> at = new java.util.concurrent.atomic.AtomicReference<>();
            Progress progress = Progress.start(progressOptions, spec.commandLine().getErr(), source() + " translate",
                    () -> (long) runtime.metrics().count("auditbridge.events.out"), at::get);
            int index = 0;
            for (String name : inputs) {
                at.set((name.equals("-") ? "stdin" : name) + " (input " + ++index + "/" + inputs.size() + ")");
                InputOutcome outcome = new InputOutcome();
                outcomes.add(outcome);
                // One record at a time: each is translated and queued as soon as it is read, so memory holds at
                // most the pipeline's in-flight bound, never the whole input.
                RecordConsumer<T> submit = record -> {
                    Submission s = runtime.pipeline().submit(List.of(record));
                    counts[0] += s.events();
                    counts[1] += s.errors();
                    counts[2] += s.skipped();
                    counts[3] += s.deduped();
                    outcome.pending.incrementAndGet();
                    s.done().whenComplete((ok, failure) -> {
                        if (failure != null) {
                            outcome.failed = true;
                        }
                        outcome.pending.decrementAndGet();
                    });
                };
                try (InputStream in = name.equals("-") ? new java.io.BufferedInputStream(System.in, 1 << 16)
                        : new java.io.BufferedInputStream(Files.newInputStream(Path.of(name)), 1 << 16)) {
                    decode(name, in, submit);
                } catch (IOException e) {
                    throw new ConfigException("FILE", "cannot read " + name + ": " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    CliOutput.error(spec.commandLine().getErr(), name + ": " + e.getMessage());
                    badInputs++;
                }
            }
            runtime.pipeline().drain(Duration.ofDays(1));
            progress.close();
            long events = counts[0], errors = counts[1], skipped = counts[2], deduped = counts[3];
            int undelivered = 0;
            for (InputOutcome o : outcomes) {
                if (o.undelivered()) {
                    undelivered++;
                }
            }
            var m = runtime.metrics();
            long delivered = Math.round(m.count("auditbridge.events.out"));
            long refused = Math.round(m.count("auditbridge.events.dead_lettered", "reason", "rejected"));
            long gaveUp = Math.round(m.count("auditbridge.events.dead_lettered", "reason", "gave_up"));
            long tooLarge = Math.round(m.count("auditbridge.events.dead_lettered", "reason", "event_too_large"));
            boolean notDelivered = undelivered > 0 || refused + gaveUp + tooLarge > 0;
            boolean badRecords = errors > 0 || badInputs > 0;
            var fields = new java.util.LinkedHashMap<String, Object>();
            fields.put("source", source());
            fields.put("events", events);
            fields.put("recordErrors", errors);
            fields.put("skipped", skipped);
            fields.put("deduplicated", deduped);
            fields.put("delivered", delivered);
            fields.put("refused", refused);
            fields.put("gaveUp", gaveUp);
            fields.put("tooLarge", tooLarge);
            fields.put("inputsNotDelivered", undelivered);
            fields.put("undecodableInputs", badInputs);
            String text = String.format(
                    "%s: %d events, %d record errors, %d skipped, %d deduplicated; %d delivered, %d refused by the sink, "
                            + "%d given up after retrying, %d too large (those three dead-lettered), %d inputs not fully "
                            + "delivered, %d undecodable inputs",
                    source(), events, errors, skipped, deduped, delivered, refused, gaveUp, tooLarge, undelivered, badInputs);
            CliOutput.summary(spec.commandLine().getErr(), text + Summaries.alerts(sink, m, fields), fields);
            if (notDelivered) {
                CliOutput.error(spec.commandLine().getErr(), "not every event reached the sink (exit 1)");
            } else if (badRecords && strict) {
                CliOutput.error(spec.commandLine().getErr(), "bad input records and --strict (exit 1)");
            }
            return notDelivered || (badRecords && strict) ? BridgeCli.EXIT_DELIVERY : 0;
        }
    }
}
