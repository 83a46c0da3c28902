package io.auditbridge.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.detector.DetectorCli;
import io.auditbridge.detector.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code evaluate}'s alert output for a fixed input, byte for byte, as the evaluator wrote it before its
 * performance work (issue 15): speed-ups must not change a single alert. The input (src/test/resources/evaluate)
 * holds an event that fires and a near miss for every upstream rule (from rule-pairs.json), the rules switched
 * off upstream, an event declaring missing fields, stage timestamps in every RFC 3339 spelling (offsets,
 * 0–9 fraction digits, lower-case separators, before 1970) and invalid ones (skipped), 300 generated
 * cluster events (as bench/e2e.py writes them), an EventList without item type metadata, a JSON array with a
 * non-Event element, and a pretty-printed Event. The expected files were written by the evaluator at commit
 * 7f45c29 and are not to be regenerated to make a change pass.
 */
class EvaluateGoldenOutputTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = BridgeCli.commandLine(new DetectorCli());
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private Path input() throws IOException {
        Path input = dir.resolve("golden-input.ndjson");
        try (InputStream in = getClass().getResourceAsStream("/evaluate/golden-input.ndjson")) {
            Files.copy(in, input);
        }
        return input;
    }

    private static List<String> expected(String name) throws IOException {
        try (InputStream in = EvaluateGoldenOutputTest.class.getResourceAsStream("/evaluate/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void bundledRulesWithRuleMatchingAllWriteTheRecordedAlerts() throws Exception {
        Path alerts = dir.resolve("alerts.ndjson");

        assertThat(run("evaluate", "--hostname", "golden-host", "--rule-matching", "all", "--alerts", "file:" + alerts,
                input().toString())).as(err.toString()).isZero();

        assertThat(Files.readAllLines(alerts)).containsExactlyElementsOf(expected("bundled-all.alerts.ndjson"));
        assertThat(err.toString()).contains("evaluate: 397 events, 248 alerts, 10 skipped (not Events)")
                .contains("element 93 (auditID golden-00093): stageTimestamp is not an RFC 3339 time")
                .contains("element 405: kind is Pod, not Event");
    }

    @Test
    void upstreamFalcoRulesWithRuleMatchingFirstWriteTheRecordedAlerts() throws Exception {
        Path rules = Upstream.rulesFile();
        Path alerts = dir.resolve("alerts.ndjson");

        assertThat(run("evaluate", "--hostname", "golden-host", "--rules", rules.toString(), "--alerts", "file:" + alerts,
                input().toString())).as(err.toString()).isZero();

        assertThat(Files.readAllLines(alerts)).containsExactlyElementsOf(expected("upstream-first.alerts.ndjson"));
        assertThat(err.toString()).contains("evaluate: 397 events, 209 alerts, 10 skipped (not Events)");
    }
}
