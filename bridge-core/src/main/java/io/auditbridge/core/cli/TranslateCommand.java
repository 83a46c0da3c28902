package io.auditbridge.core.cli;

import io.auditbridge.core.DeliveryFailedException;
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
        try (BridgeRuntime<T> runtime = BridgeRuntime.builder(source(), translator())
                .sink(sink).defaultSink("console").pipeline(pipelineOptions).build()) {
            runtime.pipeline().start();
            List<Submission> submissions = new ArrayList<>();
            for (String name : inputs) {
                byte[] bytes;
                try {
                    bytes = name.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(name));
                } catch (IOException e) {
                    spec.commandLine().getErr().println("error: cannot read " + name + ": " + e.getMessage());
                    badInputs++;
                    continue;
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
            double deadLettered = runtime.metrics().count("auditbridge.events.dead_lettered");
            spec.commandLine().getErr().printf("%s: %d events, %d record errors, %d skipped, %d deduplicated, %.0f dead-lettered, %d unreadable inputs%n",
                    source(), events, errors, skipped, deduped, deadLettered, badInputs);
            spec.commandLine().getErr().flush();
            return failed ? BridgeCli.EXIT_DELIVERY : 0;
        }
    }
}
