package io.auditbridge.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.detector.TestEvents;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.awaitility.Awaitility;
import java.time.Duration;

/**
 * {@code serve} with a rules.d it watches: a good edit is picked up while serving, a broken one is refused and
 * the previous rules keep raising alerts; Falco's rule counter and the reload counters show on /metrics.
 */
class ServeReloadAndMetricsTest {
    static final String RULE = """
            - rule: %s
              desc: A Secret was read.
              condition: ka.verb=get and ka.target.resource=secrets
              output: %s (secret=%%ka.target.name)
              priority: %s
              source: k8s_audit
              tags: [k8s, secrets, mitre_credential_access]
            """;

    @TempDir
    Path dir;

    @Test
    void aGoodRulesEditIsLoadedWhileServingABrokenOneKeepsTheOldRules() throws Exception {
        Path rulesD = Files.createDirectories(dir.resolve("rules.d"));
        Files.writeString(rulesD.resolve("50-secrets.yaml"), RULE.formatted("Secret Read V1", "secret read v1", "WARNING"));
        Path alerts = dir.resolve("alerts.ndjson");
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        ServeCommand serve = new ServeCommand();
        BridgeCli.commandLine(serve).parseArgs("--listen-host", "127.0.0.1", "--listen-port", "0", "--metrics-host", "127.0.0.1", "--allow-unauthenticated",
                "--metrics-port", Integer.toString(metricsPort), "--rules", rulesD.toString(), "--alerts", "file:" + alerts,
                "--watch-rules-interval", "100ms");
        byte[] secretRead = TestEvents.event("{\"auditID\": \"r-1\", \"objectRef\": {\"resource\": \"secrets\", \"name\": \"db\"}}").toJsonBytes();
        URI metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
        try (ServeCommand.Running running = serve.start(); HttpClient client = HttpClient.newHttpClient()) {
            URI webhook = URI.create("http://127.0.0.1:" + running.port() + "/k8s-audit");
            post(client, webhook, secretRead);

            Files.writeString(rulesD.resolve("50-secrets.yaml"), RULE.formatted("Secret Read V2", "secret read v2", "ERROR"));
            await(() -> scrape(client, metrics).contains("auditbridge_detector_rules_reloads_total{result=\"ok\""), "the good edit is loaded");
            post(client, webhook, secretRead);

            Files.writeString(rulesD.resolve("60-broken.yaml"), "- rule: Broken\n  condition: ka.verb in (get\n");
            await(() -> scrape(client, metrics).contains("auditbridge_detector_rules_reloads_total{result=\"failed\""), "the broken edit is refused");
            post(client, webhook, secretRead);

            String scraped = scrape(client, metrics);
            assertThat(scraped)
                    .contains("falcosecurity_falco_rules_matches_total{priority=\"4\",rule_name=\"Secret Read V1\",source=\"k8s_audit\","
                            + "tags=\"k8s, mitre_credential_access, secrets\"} 1.0")
                    .contains("falcosecurity_falco_rules_matches_total{priority=\"3\",rule_name=\"Secret Read V2\",source=\"k8s_audit\","
                            + "tags=\"k8s, mitre_credential_access, secrets\"} 2.0")
                    .containsPattern("auditbridge_detector_alerts_total\\{priority=\"Error\"[^}]*} 2.0");
        }
        List<String> rules = Files.readAllLines(alerts).stream().map(l -> TestEvents.json(l).get("rule").asText()).toList();
        assertThat(rules).containsExactly("Secret Read V1", "Secret Read V2", "Secret Read V2");
    }

    private static void post(HttpClient client, URI uri, byte[] body) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static String scrape(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(60)).until(condition::getAsBoolean);
    }
}
