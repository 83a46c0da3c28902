package io.auditbridge.detector.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.Event;
import io.auditbridge.core.EventWriter;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.DetectorCli;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.cli.ServeCommand;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.BatchEvaluator;
import io.auditbridge.detector.output.AlertOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Correlations work in every entry point: evaluate, serve, and a bridge's --sink embedded. */
class CorrelationEntryPointsTest {
    private static final String CORRELATION = """
            - correlation: Refused three times
              type: event_count
              condition: ka.response.code=403
              group_by: [ka.user.name]
              timespan: 1m
              threshold: {gte: 3}
              output: "%ka.user.name refused %correlation.count times"
              priority: WARNING
              tags: [k8s, correlation, test]
            """;

    @TempDir
    Path dir;

    private static Event refused(int i) {
        return CorrelationFixture.forbidden("r" + i, i, "eve");
    }

    private static String ndjson(List<Event> events) {
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append(new String(e.toJsonBytes(), StandardCharsets.UTF_8)).append('\n'));
        return sb.toString();
    }

    private static List<String> rules(Path alerts) throws IOException {
        return Files.readAllLines(alerts).stream().map(l -> TestEvents.json(l).get("rule").asText()).toList();
    }

    private int evaluate(StringWriter err, String... args) {
        CommandLine cl = BridgeCli.commandLine(new DetectorCli());
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void evaluateLoadsCorrelationFilesFromARulesDirectoryAndAppliesTheRuleSelection() throws Exception {
        Path rulesD = Files.createDirectories(dir.resolve("rules.d"));
        Files.writeString(rulesD.resolve("50-team.correlations.yaml"), CORRELATION);
        Path input = Files.writeString(dir.resolve("in.ndjson"), ndjson(IntStream.range(0, 3).mapToObj(CorrelationEntryPointsTest::refused).toList()));

        Path alerts = dir.resolve("a.ndjson");
        StringWriter err = new StringWriter();
        assertThat(evaluate(err, "evaluate", "--rules", "bundled", "--rules", rulesD.toString(), "--alerts", "file:" + alerts,
                input.toString())).as(err.toString()).isZero();
        assertThat(rules(alerts)).contains("Refused three times");

        Path disabled = dir.resolve("d.ndjson");
        assertThat(evaluate(new StringWriter(), "evaluate", "--rules", rulesD.toString(), "-D", "Refused three",
                "--alerts", "file:" + disabled, input.toString())).isZero();
        assertThat(rules(disabled)).doesNotContain("Refused three times");

        Path severe = dir.resolve("s.ndjson");
        assertThat(evaluate(new StringWriter(), "evaluate", "--rules", rulesD.toString(), "--min-priority", "critical",
                "--alerts", "file:" + severe, input.toString())).isZero();
        assertThat(rules(severe)).doesNotContain("Refused three times");

        StringWriter bad = new StringWriter();
        Files.writeString(rulesD.resolve("60-bad.correlations.yaml"), "- correlation: X\n  type: burst\n");
        assertThat(evaluate(bad, "evaluate", "--rules", rulesD.toString(), input.toString())).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(bad.toString().strip()).isEqualTo("error: --rules: " + rulesD.resolve("60-bad.correlations.yaml")
                + ":2: correlation 'X': unknown type 'burst' (expected event_count, value_count, temporal or temporal_ordered)");
    }

    @Test
    void serveCorrelatesAcrossRequests() throws Exception {
        Path rules = Files.writeString(dir.resolve("team.correlations.yaml"), CORRELATION);
        Path token = Files.writeString(dir.resolve("token"), "t0ken");
        Path alerts = dir.resolve("alerts.ndjson");
        ServeCommand serve = new ServeCommand();
        BridgeCli.commandLine(serve).parseArgs("--listen-host", "127.0.0.1", "--listen-port", "0", "--metrics-port", "-1",
                "--auth-token-file", token.toString(), "--rules", "bundled", "--rules", rules.toString(),
                "--correlation-lateness", "0s", "--alerts", "file:" + alerts);
        try (ServeCommand.Running running = serve.start(); HttpClient client = HttpClient.newHttpClient()) {
            for (int i = 0; i < 4; i++) { // the fourth moves the watermark past the third
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                EventWriter.writeEventList(body, List.of(refused(i)));
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/k8s_audit"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer t0ken")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
                assertThat(client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            }
            assertThat(rules(alerts)).containsOnlyOnce("Refused three times");
        }
    }

    @Test
    void aBridgesEmbeddedSinkCorrelatesAndFlushesAtTheEndOfItsInput() throws Exception {
        Path rules = Files.writeString(dir.resolve("team.correlations.yaml"), CORRELATION);
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        EventWriter.writeEventList(list, IntStream.range(0, 3).mapToObj(CorrelationEntryPointsTest::refused).toList());
        Path input = Files.write(dir.resolve("events.json"), list.toByteArray());
        Path alerts = dir.resolve("alerts.ndjson");
        CommandLine cl = BridgeCli.commandLine(new io.auditbridge.core.testing.PassThroughTranslateCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("--sink", "embedded", "--sink-option",
                "rules=" + rules + ",alerts=file:" + alerts + ",max-correlation-groups=10", input.toString());
        assertThat(exit).as(err.toString()).isZero();
        assertThat(rules(alerts)).containsExactly("Refused three times");
    }

    @Test
    void aCorrelationAlertWhoseBatchFailedToPublishGoesOutWithTheNextBatch() throws Exception {
        List<Alert> published = new ArrayList<>();
        boolean[] down = {true};
        AlertOutput flaky = new AlertOutput() {
            @Override
            public void publish(List<Alert> alerts) throws IOException {
                if (down[0]) {
                    throw new IOException("down");
                }
                published.addAll(alerts);
            }

            @Override
            public String describe() {
                return "flaky";
            }
        };
        var f = new CorrelationFixture(CORRELATION.replace("condition: ka.response.code=403", "rules: [Forbidden]"),
                new CorrelationEngine.Settings(java.time.Duration.ZERO, 100, 100));
        BatchEvaluator evaluator = new BatchEvaluator(f.detector, flaky, PipelineMetrics.inMemory("t"));
        List<Event> batch = List.of(refused(0), refused(1), refused(2), refused(3));
        try {
            evaluator.evaluate(batch);
        } catch (IOException expected) {
            // the sink answers Retry: the pipeline resends the same batch
        }
        down[0] = false;
        evaluator.evaluate(batch); // the retry: the engine sees duplicates, the carried alert goes out now
        assertThat(published).extracting(Alert::rule).containsOnlyOnce("Refused three times");
    }
}
