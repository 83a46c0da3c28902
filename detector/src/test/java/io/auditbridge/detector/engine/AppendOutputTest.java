package io.auditbridge.detector.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.detector.DetectorCli;
import io.auditbridge.detector.TestEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * falco.yaml's append_output (match on source, tag and rule; extra_output; extra_fields), ka.cluster.name in
 * every alert of an event that carries a cluster, a configured hostname, and the alert time being the event's.
 */
class AppendOutputTest {
    @TempDir
    Path dir;
    Path rules;
    Path config;

    @BeforeEach
    void setUp() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/matching/three-rules.yaml")) {
            rules = Files.write(dir.resolve("three-rules.yaml"), in.readAllBytes());
        }
        config = Files.writeString(dir.resolve("falco.yaml"), """
                rules_files:
                  - %s
                rule_matching: all
                append_output:
                  - match:
                      source: k8s_audit
                    extra_output: "cluster=%%ka.cluster.name"
                    extra_fields:
                      - team: "sec-%%ka.target.namespace"
                      - ka.user.name
                  - match:
                      tag: secrets
                    extra_output: "(sensitive)"
                  - match:
                      rule: Any Get Request
                    extra_fields:
                      - ka.uri
                  - match:
                      source: syscall
                    extra_output: "never appended"
                  - match:
                      tag: secrets
                      rule: Any Get Request
                    extra_output: "both must match"
                """.formatted(rules));
    }

    @Test
    void appendOutputMatchesBySourceTagAndRule() throws IOException {
        Event e = TestEvents.event("{\"auditID\": \"ao-1\", \"objectRef\": {\"resource\": \"secrets\", \"name\": \"db\"},"
                + " \"annotations\": {\"cluster_name\": \"prod-eu\"}}");
        Map<String, JsonNode> alerts = evaluate(e, "--hostname", "detector-7");

        JsonNode secret = alerts.get("Secret Read");
        assertThat(secret.get("output").asText())
                .endsWith("Secret read (user=kubernetes-admin secret=default/db) cluster=prod-eu (sensitive)");
        assertThat(secret.get("output_fields").get("team").asText()).isEqualTo("sec-default");
        assertThat(secret.get("output_fields").get("ka.user.name").asText()).isEqualTo("kubernetes-admin");
        assertThat(secret.get("output_fields").has("ka.uri")).as("the rule match is for another rule").isFalse();

        JsonNode get = alerts.get("Any Get Request");
        assertThat(get.get("output").asText()).endsWith("cluster=prod-eu").doesNotContain("(sensitive)").doesNotContain("both must match");
        assertThat(get.get("output_fields").get("ka.uri").asText()).isEqualTo("/api/v1/namespaces/default/pods/web");

        JsonNode trail = alerts.get("Audit Trail Record");
        assertThat(trail.get("output").asText()).endsWith("Audit record (id=ao-1) cluster=prod-eu");
        assertThat(alerts.values()).allSatisfy(a -> {
            assertThat(a.get("output").asText()).doesNotContain("never appended");
            assertThat(a.get("output_fields").get("ka.cluster.name").asText()).isEqualTo("prod-eu");
            assertThat(a.get("hostname").asText()).isEqualTo("detector-7");
            assertThat(a.get("time").asText()).as("the event's stageTimestamp").isEqualTo("2026-11-30T01:00:00.123456000Z");
        });
    }

    @Test
    void theClusterIsInEveryAlertOnlyWhenTheEventCarriesOne() throws IOException {
        Event withCluster = TestEvents.event("{\"auditID\": \"c-1\", \"annotations\": {\"cluster_name\": \"gke-prod\"}}");
        Event without = TestEvents.event("{\"auditID\": \"c-2\"}");
        Path in = Files.write(dir.resolve("in.ndjson"), (new String(withCluster.toJsonBytes()) + "\n" + new String(without.toJsonBytes()) + "\n").getBytes());
        Path alerts = dir.resolve("plain.ndjson");
        // No append_output: the bundled rules alone.
        assertThat(run("evaluate", "--rule-matching", "all", "--alerts", "file:" + alerts,
                "--rules", rules.toString(), in.toString())).isZero();
        List<JsonNode> lines = Files.readAllLines(alerts).stream().map(TestEvents::json).toList();
        assertThat(lines).filteredOn(a -> a.at("/output_fields/ka.auditid").asText().equals("c-1")).isNotEmpty()
                .allSatisfy(a -> assertThat(a.get("output_fields").get("ka.cluster.name").asText()).isEqualTo("gke-prod"));
        assertThat(lines).filteredOn(a -> a.at("/output_fields/ka.auditid").asText().equals("c-2")).isNotEmpty()
                .allSatisfy(a -> assertThat(a.get("output_fields").has("ka.cluster.name")).isFalse());
    }

    @Test
    void anUnknownFieldInAppendOutputIsAConfigurationError() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "append_output:\n  - extra_fields:\n      - ka.nonsense\n");
        Path in = Files.writeString(dir.resolve("e.json"), "[]");
        assertThat(run("evaluate", "--config", bad.toString(), in.toString())).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(err.toString()).contains("append_output: extra_fields:").contains("ka.nonsense");
    }

    private final StringWriter err = new StringWriter();

    private Map<String, JsonNode> evaluate(Event e, String... extra) throws IOException {
        Path in = Files.write(dir.resolve("e-" + e.auditId() + ".json"), e.toJsonBytes());
        Path alerts = dir.resolve("alerts-" + e.auditId() + ".ndjson");
        List<String> args = new java.util.ArrayList<>(List.of("evaluate", "--config", config.toString(), "--alerts", "file:" + alerts));
        args.addAll(List.of(extra));
        args.add(in.toString());
        assertThat(run(args.toArray(String[]::new))).as(err.toString()).isZero();
        return Files.readAllLines(alerts).stream().map(TestEvents::json)
                .collect(Collectors.toMap(a -> a.get("rule").asText(), Function.identity()));
    }

    private int run(String... args) {
        var cl = BridgeCli.commandLine(new DetectorCli());
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }
}
