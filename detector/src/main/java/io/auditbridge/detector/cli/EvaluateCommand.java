package io.auditbridge.detector.cli;

import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventReader;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.engine.GapReporter;
import io.auditbridge.detector.output.AlertOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code evaluate [--rules FILE]... [FILE...]}: audit Events in any accepted shape → one alert per line. */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate audit Events (Event, EventList, JSON array or NDJSON; stdin when no file) and print one alert per line.")
public final class EvaluateCommand implements Callable<Integer> {
    private static final int CHUNK = 1000;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Input files; stdin when none or '-'.")
    List<String> files = new ArrayList<>();

    @Mixin
    DetectorOptions options;

    @Mixin
    LogOptions logOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PipelineMetrics metrics = PipelineMetrics.inMemory("evaluate");
        Detector detector = options.detector(metrics);
        PrintWriter err = spec.commandLine().getErr();
        long events = 0, alerts = 0, bad = 0, unreadable = 0;
        try (AlertOutput output = options.output()) {
            for (String name : files.isEmpty() ? List.of("-") : files) {
                byte[] bytes;
                try {
                    bytes = name.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(name));
                } catch (IOException e) {
                    err.println("error: cannot read " + name + ": " + e.getClass().getSimpleName());
                    unreadable++;
                    continue;
                }
                List<Alert> pending = new ArrayList<>();
                for (EventReader.Item item : EventReader.readAll(bytes)) {
                    if (!item.isEvent()) {
                        err.println("skipped " + name + (item.index() >= 0 ? " element " + item.index() : "")
                                + (item.auditId() != null ? " (auditID " + item.auditId() + ")" : "") + ": " + item.error());
                        bad++;
                        continue;
                    }
                    Event e = item.event();
                    detector.evaluate(e, pending::add);
                    events++;
                    if (pending.size() >= CHUNK) {
                        alerts += pending.size();
                        output.publish(pending);
                        pending.clear();
                    }
                }
                alerts += pending.size();
                output.publish(pending);
            }
        }
        err.printf("evaluate: %d events, %d alerts, %d skipped (not Events), %.0f rule evaluations skipped for declared gaps, %d unreadable inputs%n",
                events, alerts, bad, metrics.count(GapReporter.METRIC), unreadable);
        err.flush();
        return unreadable > 0 ? 1 : 0;
    }
}
