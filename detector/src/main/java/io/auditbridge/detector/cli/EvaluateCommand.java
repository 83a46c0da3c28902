package io.auditbridge.detector.cli;

import io.auditbridge.core.EventReader;
import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.cli.CliOutput;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.Progress;
import io.auditbridge.core.cli.ProgressOptions;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.BatchEvaluator;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.engine.GapReporter;
import io.auditbridge.detector.runtime.DetectorRuntime;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code evaluate [FILE...]}: audit Events in any accepted shape → alerts. Streams: each event is read,
 * evaluated and its alerts written before the next is read, so memory does not grow with the input.
 */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate audit Events (Event, EventList, JSON array or NDJSON; stdin when no file), streaming, and write the alerts (one JSON per line on stdout by default).")
public final class EvaluateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Input files; stdin when none or '-'.")
    List<String> files = new ArrayList<>();

    @Mixin
    DetectorOptions options;

    @Mixin
    LogOptions logOptions;

    @Mixin
    ProgressOptions progressOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** An output that failed for good (on-failure=block): evaluation stops. */
    private static final class OutputFailed extends RuntimeException {
        OutputFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Standard input, not closed when one input is done (the caller owns it). */
    private static InputStream stdin() {
        return new java.io.FilterInputStream(System.in) {
            @Override
            public void close() {}
        };
    }

    /** Alerts held back to be written together, at most this many (memory stays bounded). */
    static final int MAX_PENDING_ALERTS = 256;

    /**
     * The alerts raised but not yet published. They are published when {@link #MAX_PENDING_ALERTS} are waiting,
     * at the end of each input, and whenever reading would wait for more input (a live pipe): an alert is never
     * held back while its input is idle, and a file's alerts are written in batches instead of one write and
     * flush per alert (profiled, issue 15).
     */
    private static final class PendingAlerts {
        private final BatchEvaluator evaluator;
        private final List<Alert> alerts = new ArrayList<>();
        private long published;

        PendingAlerts(BatchEvaluator evaluator) {
            this.evaluator = evaluator;
        }

        void add(Alert a) {
            alerts.add(a);
        }

        void publishIfFull() {
            if (alerts.size() >= MAX_PENDING_ALERTS) {
                publish();
            }
        }

        void publish() {
            if (alerts.isEmpty()) {
                return;
            }
            try {
                evaluator.publish(List.copyOf(alerts)); // the list is reused; an output may keep what it is given
                published += alerts.size();
            } catch (IOException e) {
                throw new OutputFailed(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OutputFailed(new IOException("interrupted"));
            } finally {
                alerts.clear(); // published, or evaluation stops
            }
        }

        /** {@code in}, publishing the pending alerts before any read that would wait for more bytes. */
        InputStream publishingBeforeWaiting(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    beforeRead();
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    beforeRead();
                    return super.read(b, off, len);
                }

                private void beforeRead() throws IOException {
                    if (!alerts.isEmpty() && in.available() <= 0) {
                        publish();
                    }
                }
            };
        }

        /** Publishes what is pending; returns how many alerts were published since the last call. */
        long drain() {
            publish();
            long total = published;
            published = 0;
            return total;
        }
    }

    @Override
    public Integer call() throws Exception {
        PipelineMetrics metrics = PipelineMetrics.inMemory("evaluate");
        PrintWriter err = spec.commandLine().getErr();
        long[] counts = new long[3]; // events, alerts, skipped
        long unreadable = 0;
        boolean outputFailed = false;
        AtomicLong evaluated = new AtomicLong();
        AtomicReference<String> at = new AtomicReference<>();
        List<String> inputs = files.isEmpty() ? List.of("-") : files;
        int index = 0;
        try (DetectorRuntime runtime = options.runtime(metrics, false);
                Progress progress = Progress.start(progressOptions, err, "evaluate", evaluated::get, at::get)) {
            BatchEvaluator evaluator = runtime.evaluator();
            Detector detector = runtime.detector();
            PendingAlerts pending = new PendingAlerts(evaluator);
            for (String name : inputs) {
                at.set((name.equals("-") ? "stdin" : name) + " (input " + ++index + "/" + inputs.size() + ")");
                try (InputStream in = pending.publishingBeforeWaiting(
                        name.equals("-") ? stdin() : new BufferedInputStream(Files.newInputStream(Path.of(name)), 64 * 1024))) {
                    EventReader.readWithoutSource(in, item -> { // alerts never need the event's bytes
                        if (!item.isEvent()) {
                            err.println("skipped " + name + (item.index() >= 0 ? " element " + item.index() : "")
                                    + (item.auditId() != null ? " (auditID " + item.auditId() + ")" : "") + ": " + item.error());
                            counts[2]++;
                            return;
                        }
                        detector.evaluate(item.event(), pending::add);
                        evaluated.lazySet(++counts[0]);
                        pending.publishIfFull();
                    });
                    counts[1] += pending.drain();
                } catch (OutputFailed e) {
                    CliOutput.error(err, "alert output failed, evaluation stopped: " + e.getMessage());
                    outputFailed = true;
                    break;
                } catch (IOException | UncheckedIOException e) {
                    CliOutput.error(err, "cannot read " + name + ": " + e.getClass().getSimpleName());
                    unreadable++;
                    try {
                        counts[1] += pending.drain(); // what this input raised before it broke
                    } catch (OutputFailed failed) {
                        CliOutput.error(err, "alert output failed, evaluation stopped: " + failed.getMessage());
                        outputFailed = true;
                        break;
                    }
                }
            }
            if (!outputFailed) {
                try {
                    counts[1] += evaluator.flush(); // correlations waiting for late events: the input is over
                } catch (IOException e) {
                    CliOutput.error(err, "alert output failed at the end of the input: " + e.getMessage());
                    outputFailed = true;
                }
            }
        }
        long gaps = Math.round(metrics.count(GapReporter.METRIC));
        long dropped = Math.round(metrics.count("auditbridge.detector.alerts.dropped"));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("events", counts[0]);
        fields.put("alerts", counts[1]);
        fields.put("skipped", counts[2]);
        fields.put("gapSkippedEvaluations", gaps);
        fields.put("alertsDropped", dropped);
        fields.put("unreadableInputs", unreadable);
        CliOutput.summary(err, String.format("evaluate: %d events, %d alerts, %d skipped (not Events), %d rule evaluations skipped for declared gaps, %d alerts dropped by outputs, %d unreadable inputs",
                counts[0], counts[1], counts[2], gaps, dropped, unreadable), fields);
        return outputFailed || unreadable > 0 ? 1 : 0;
    }
}
