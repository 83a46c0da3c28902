package io.auditbridge.core.cli;

import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.DeliveryFailedException;
import io.auditbridge.core.Pipeline;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code translate [FILE...]}: reads saved provider records (stdin when no file or "-"), translates them and
 * writes NDJSON Events to stdout in input order (or to {@code --sink}); per-record errors and a summary with
 * counts go to stderr. A bridge supplies how its files decode into records and its translator.
 */
public abstract class TranslateCommand<T> implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Input files; stdin when none or '-'.")
    protected List<String> files = new ArrayList<>();

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

    @Override
    public Integer call() throws Exception {
        List<String> inputs = files.isEmpty() ? List.of("-") : files;
        int badInputs = 0;
        try (BridgeRuntime<T> runtime = BridgeRuntime.create(source(), translator(), sink, "console", pipelineOptions,
                null, CheckpointStore.NONE, Pipeline.OnGiveUp.DEAD_LETTER)) {
            runtime.pipeline().start();
            List<Submission> submissions = new ArrayList<>();
            java.util.concurrent.atomic.AtomicReference<String> at = new java.util.concurrent.atomic.AtomicReference<>();
            Progress progress = Progress.start(progressOptions, spec.commandLine().getErr(), source() + " translate",
                    () -> (long) runtime.metrics().count("auditbridge.events.out"), at::get);
            int index = 0;
            for (String name : inputs) {
                at.set((name.equals("-") ? "stdin" : name) + " (input " + ++index + "/" + inputs.size() + ")");
                byte[] bytes;
                try {
                    bytes = name.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(name));
                } catch (IOException e) {
                    CliOutput.error(spec.commandLine().getErr(), "cannot read " + name + ": " + e.getMessage());
                    badInputs++;
                    continue;
                }
                List<SourceRecord<T>> records;
                try {
                    records = decode(name, bytes);
                } catch (IllegalArgumentException e) {
                    CliOutput.error(spec.commandLine().getErr(), name + ": " + e.getMessage());
                    badInputs++;
                    continue;
                }
                submissions.add(runtime.pipeline().submit(records));
            }
            runtime.pipeline().drain(Duration.ofDays(1));
            progress.close();
            int events = 0, errors = 0, skipped = 0, deduped = 0;
            boolean failed = false;
            for (Submission s : submissions) {
                events += s.events();
                errors += s.errors();
                skipped += s.skipped();
                deduped += s.deduped();
                try {
                    s.done().get();
                } catch (ExecutionException e) {
                    failed = failed || e.getCause() instanceof DeliveryFailedException;
                }
            }
            long deadLettered = (long) runtime.metrics().count("auditbridge.events.dead_lettered");
            var fields = new java.util.LinkedHashMap<String, Object>();
            fields.put("source", source());
            fields.put("events", events);
            fields.put("recordErrors", errors);
            fields.put("skipped", skipped);
            fields.put("deduplicated", deduped);
            fields.put("deadLettered", deadLettered);
            fields.put("unreadableInputs", badInputs);
            String text = String.format("%s: %d events, %d record errors, %d skipped, %d deduplicated, %d dead-lettered, %d unreadable inputs",
                    source(), events, errors, skipped, deduped, deadLettered, badInputs);
            CliOutput.summary(spec.commandLine().getErr(), text + Summaries.alerts(sink, runtime.metrics(), fields), fields);
            return failed ? BridgeCli.EXIT_DELIVERY : 0;
        }
    }
}
