package io.auditbridge.detector.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.Sink;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.DetectorCli;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.cli.ServeCommand;
import io.auditbridge.detector.rules.RulesLoader;
import io.auditbridge.detector.sink.EmbeddedSinkProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Falco's rule_matching on one event ("get secrets/db") that three rules match: 'first' (the default in every
 * entry point) raises only the first rule in load order, 'all' raises all three.
 */
class RuleMatchingTest {
    static final List<String> ALL_THREE = List.of("Secret Read", "Any Get Request", "Audit Trail Record");

    @TempDir
    Path dir;
    Path rules;
    Event secretRead;

    @BeforeEach
    void setUp() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/matching/three-rules.yaml")) {
            rules = Files.write(dir.resolve("three-rules.yaml"), in.readAllBytes());
        }
        secretRead = TestEvents.event("{\"auditID\": \"m-1\", \"requestURI\": \"/api/v1/namespaces/default/secrets/db\","
                + " \"objectRef\": {\"resource\": \"secrets\", \"name\": \"db\"}}");
    }

    @Test
    void theEngineRaisesTheFirstMatchingRuleOrAllOfThem() {
        var set = new RulesLoader().load(rules).build();
        var first = new Detector(set, EngineOptions.defaults("h"), Detector.GapListener.NONE);
        var all = new Detector(set, new EngineOptions(RuleMatching.ALL, null, null, "h"), Detector.GapListener.NONE);
        assertThat(first.evaluate(secretRead)).extracting(Alert::rule).containsExactly("Secret Read");
        assertThat(all.evaluate(secretRead)).extracting(Alert::rule).containsExactlyElementsOf(ALL_THREE);
    }

    @Test
    void evaluateDefaultsToFirstAndTakesRuleMatchingAll() throws IOException {
        Path input = Files.write(dir.resolve("e.json"), secretRead.toJsonBytes());
        assertThat(evaluate(dir.resolve("a1.ndjson"), "--rules", rules.toString(), input.toString())).containsExactly("Secret Read");
        assertThat(evaluate(dir.resolve("a2.ndjson"), "--rules", rules.toString(), "--rule-matching", "all", input.toString()))
                .containsExactlyElementsOf(ALL_THREE);
        Path yaml = Files.writeString(dir.resolve("falco.yaml"), "rules_files:\n  - " + rules + "\nrule_matching: all\n");
        assertThat(evaluate(dir.resolve("a3.ndjson"), "--config", yaml.toString(), input.toString()))
                .as("falco.yaml rule_matching").containsExactlyElementsOf(ALL_THREE);
    }

    @Test
    void serveDefaultsToFirstAndTakesRuleMatchingAll() throws Exception {
        assertThat(serve(dir.resolve("s1.ndjson"))).containsExactly("Secret Read");
        assertThat(serve(dir.resolve("s2.ndjson"), "--rule-matching", "all")).containsExactlyElementsOf(ALL_THREE);
    }

    @Test
    void theEmbeddedSinkDefaultsToFirstAndTakesTheRuleMatchingOption() throws Exception {
        assertThat(embedded(dir.resolve("e1.ndjson"), Map.of())).containsExactly("Secret Read");
        assertThat(embedded(dir.resolve("e2.ndjson"), Map.of("rule-matching", "all"))).containsExactlyElementsOf(ALL_THREE);
    }

    @Test
    void anUnknownModeIsAConfigurationError() {
        StringWriter err = new StringWriter();
        var cl = BridgeCli.commandLine(new DetectorCli());
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("evaluate", "--rule-matching", "some", "-")).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(err.toString().strip()).isEqualTo("error: --rule-matching: rule matching must be 'first' or 'all', not 'some'");
    }

    private List<String> evaluate(Path alerts, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("evaluate", "--alerts", "file:" + alerts));
        all.addAll(List.of(args));
        StringWriter err = new StringWriter();
        var cl = BridgeCli.commandLine(new DetectorCli());
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute(all.toArray(String[]::new))).as(err.toString()).isZero();
        return rulesIn(alerts);
    }

    private List<String> serve(Path alerts, String... extra) throws Exception {
        ServeCommand serve = new ServeCommand();
        List<String> args = new ArrayList<>(List.of("--listen-host", "127.0.0.1", "--listen-port", "0", "--metrics-port", "-1", "--allow-unauthenticated",
                "--rules", rules.toString(), "--alerts", "file:" + alerts));
        args.addAll(List.of(extra));
        BridgeCli.commandLine(serve).parseArgs(args.toArray(String[]::new));
        try (ServeCommand.Running running = serve.start(); HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/k8s-audit"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(secretRead.toJsonBytes())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        return rulesIn(alerts);
    }

    private List<String> embedded(Path alerts, Map<String, String> extra) throws Exception {
        Map<String, String> options = new java.util.HashMap<>(extra);
        options.put("rules", rules.toString());
        options.put("alerts", "file:" + alerts);
        options.put("watch-rules", "false");
        try (Sink sink = new EmbeddedSinkProvider().create(options, PipelineMetrics.inMemory("t"))) {
            assertThat(sink.deliver(List.of(secretRead))).isEqualTo(DeliveryResult.DELIVERED);
        }
        return rulesIn(alerts);
    }

    static List<String> rulesIn(Path alerts) throws IOException {
        return Files.readAllLines(alerts).stream().map(l -> TestEvents.json(l).get("rule").asText()).toList();
    }
}
