package io.auditbridge.detector.sink;

import io.auditbridge.core.Sink;
import io.auditbridge.core.SinkProvider;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.engine.BatchEvaluator;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.engine.GapReporter;
import io.auditbridge.detector.output.AlertOutput;
import io.auditbridge.detector.rules.RulesFiles;
import io.auditbridge.detector.rules.RulesException;
import java.io.File;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --sink embedded} for every bridge. Options ({@code --sink-option key=value}):
 * {@code rules=FILE[:FILE…]} (path-separator list, loaded in order; default the bundled rules),
 * {@code alerts=stdout|file:PATH|http(s)://URL} (default stdout), {@code hostname=NAME},
 * {@code log-gaps=true|false} (log each rule not evaluated for a declared gap).
 */
public final class EmbeddedSinkProvider implements SinkProvider {
    private static final Set<String> KEYS = Set.of("rules", "alerts", "hostname", "log-gaps");

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public Sink create(Map<String, String> options, PipelineMetrics metrics) {
        for (String k : options.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown option '" + k + "' for the embedded sink (known: " + KEYS + ")");
            }
        }
        List<Path> files = new ArrayList<>();
        String rules = options.get("rules");
        if (rules != null && !rules.isBlank()) {
            for (String f : rules.split(File.pathSeparator)) {
                files.add(Path.of(f.trim()));
            }
        }
        boolean logGaps = Boolean.parseBoolean(options.getOrDefault("log-gaps", "false"));
        Detector detector;
        try {
            detector = new Detector(RulesFiles.load(files), options.getOrDefault("hostname", localHostname()),
                    new GapReporter(metrics, logGaps));
        } catch (RulesException e) {
            throw new IllegalArgumentException("rules: " + e.getMessage());
        }
        AlertOutput output;
        try {
            output = AlertOutput.parse(options.get("alerts"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("alerts: " + e.getMessage());
        }
        return new EmbeddedSink(new BatchEvaluator(detector, output, metrics));
    }

    /** The host name Falco would print; the HOSTNAME variable first (set in containers), then the resolver. */
    public static String localHostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
