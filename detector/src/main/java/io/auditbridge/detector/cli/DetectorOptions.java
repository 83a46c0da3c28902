package io.auditbridge.detector.cli;

import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.engine.GapReporter;
import io.auditbridge.detector.output.AlertOutput;
import io.auditbridge.detector.rules.RulesFiles;
import io.auditbridge.detector.rules.RulesException;
import io.auditbridge.detector.sink.EmbeddedSinkProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Rules, alert output and gap logging, shared by {@code evaluate} and {@code serve}. */
@HelpGroup(HelpGroup.Section.DETECTOR)
public final class DetectorOptions {
    @Option(names = "--rules", paramLabel = "FILE", split = ",",
            description = "Falco rules file, repeatable, loaded in order (later files append/override); default: the bundled rules. Env: AUDITBRIDGE_RULES (comma-separated).")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--alerts", paramLabel = "stdout|file:PATH|URL", defaultValue = "stdout",
            description = "Where alerts go: stdout (NDJSON, default), file:PATH (NDJSON appended) or an http(s) URL (Falco JSON, one POST per alert; Falcosidekick). Env: AUDITBRIDGE_ALERTS.")
    String alerts;

    @Option(names = "--hostname", paramLabel = "NAME", description = "The alerts' hostname (default: $HOSTNAME or the local host name).")
    String hostname;

    @Option(names = "--log-gaps", description = "Log each rule not evaluated because the event declares a field it reads missing (always counted). Env: AUDITBRIDGE_LOG_GAPS.")
    boolean logGaps;

    Detector detector(PipelineMetrics metrics) {
        try {
            return new Detector(RulesFiles.load(rules), hostname != null ? hostname : EmbeddedSinkProvider.localHostname(),
                    new GapReporter(metrics, logGaps));
        } catch (RulesException e) {
            throw new ConfigException("--rules", e.getMessage());
        }
    }

    AlertOutput output() {
        try {
            return AlertOutput.parse(alerts);
        } catch (RuntimeException e) {
            throw new ConfigException("--alerts", e.getMessage());
        }
    }
}
