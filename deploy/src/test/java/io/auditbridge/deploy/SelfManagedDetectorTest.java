package io.auditbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.detector.DetectorCli;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.awaitility.Awaitility;

/**
 * The self-managed recipe end to end, minus the API server: `detector serve` started as the Deployment
 * starts it (port 7765's stand-in, --token-file), and batches encoded as kube-apiserver's webhook backend
 * sends them (audit.k8s.io/v1 and v1beta1 EventLists whose items carry no kind/apiVersion, application/json)
 * posted with the URL path and bearer token of self-managed/audit-webhook-kubeconfig.yaml. Every event is
 * evaluated, each raises its expected alert, and /metrics shows Falco's rule counter.
 *
 * <p>Needs the detector's {@code serve} (the detector module); skipped while it is absent from the build.
 */
class SelfManagedDetectorTest {
    @TempDir
    Path dir;
    Process detector;

    @AfterEach
    void stop() throws InterruptedException {
        if (detector != null) {
            detector.destroy();                       // SIGTERM, as Kubernetes stops it
            if (!detector.waitFor(20, TimeUnit.SECONDS)) {
                detector.destroyForcibly();
            }
        }
    }

    /** auditID → the one alert each event must raise (rule_matching first); the /readyz probe raises none. */
    private static final Map<String, String> EXPECTED = Map.of(
            "6d1c2f4e-0b7a-4c1e-9f5d-2a8e7c3b9d01", "Attach/Exec Pod",
            "0f3a9b7c-5e21-4d8a-b6c4-7e1d2f3a4b5c", "Disallowed K8s User",
            "2b7e4c1a-9d3f-4e8b-a5c6-0f1e2d3c4b5a", "K8s Secret Get Successfully",
            "9c8b7a6f-5e4d-4c3b-9a2f-1e0d9c8b7a6f", "Attach to cluster-admin Role");

    /**
     * The bodies are written as k8s.io/apiserver's webhook backend encodes them: an EventList with type
     * metadata on the list only ({@code "metadata":{}}), items in the Event struct's field order without
     * kind/apiVersion, Go's HTML-safe escaping; for audit.k8s.io/v1beta1 also the items' ObjectMeta and timestamp.
     */
    @Test
    void apiServerEncodedEventListsPostedWithTheKubeconfigsTokenAreEvaluatedEventByEvent() throws Exception {
        assumeTrue(BridgeCli.commandLine(new DetectorCli()).getSubcommands().containsKey("serve"),
                "the detector in this build has no serve command yet");
        Config kubeconfig = Serialization.unmarshal(HelmChart.read(SelfManagedTest.DIR.resolve("audit-webhook-kubeconfig.yaml")), Config.class);
        URI configured = URI.create(kubeconfig.getClusters().getFirst().getCluster().getServer());
        // The shipped file holds a placeholder (which the CLI refuses as a secret); the user writes the
        // detector's token there, as this test does.
        assertThat(kubeconfig.getUsers().getFirst().getUser().getToken()).startsWith("REPLACE-");
        String token = java.util.UUID.randomUUID().toString();
        Path tokenFile = Files.writeString(dir.resolve("token"), token);
        Path alerts = dir.resolve("alerts.ndjson");
        int port = freePort();
        int metricsPort = freePort();
        detector = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DetectorCli.class.getName(),
                "serve", "--listen-host", "127.0.0.1", "--listen-port", Integer.toString(port), "--auth-token-file", tokenFile.toString(),
                "--alerts", "file:" + alerts, "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metricsPort))
                .redirectErrorStream(true).redirectOutput(dir.resolve("detector.log").toFile()).start();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
        await(() -> status(http, URI.create("http://127.0.0.1:" + metricsPort + "/readyz"), null, null) == 200,
                "detector ready (log: " + dir.resolve("detector.log") + ")");

        URI local = URI.create("http://127.0.0.1:" + port + configured.getPath());
        for (String version : List.of("v1", "v1beta1")) {
            byte[] batch;
            try (InputStream in = getClass().getResourceAsStream("/self-managed/apiserver-webhook-eventlist-" + version + ".json")) {
                batch = in.readAllBytes();
            }
            assertThat(status(http, local, batch, "wrong-token")).as("a caller without the kubeconfig's token").isEqualTo(401);
            HttpResponse<String> answer = post(http, local, batch, token);
            assertThat(answer.statusCode()).as("the API server's POST is answered after evaluation").isEqualTo(200);
            assertThat(answer.body()).as(version + ": every item evaluated, none skipped").isEqualTo("{\"events\":5,\"alerts\":4,\"skipped\":0}");
        }

        List<JsonNode> raised = read(alerts).lines().map(SelfManagedDetectorTest::json).toList();
        assertThat(raised).hasSize(8);
        for (String version : List.of("v1", "v1beta1")) {
            Map<String, String> byEvent = new java.util.HashMap<>();
            for (JsonNode a : raised) {
                String id = a.path("output_fields").path("ka.auditid").asText();
                // The v1beta1 fixture's auditIDs differ from v1's in one digit of the second group.
                boolean beta = EXPECTED.keySet().stream().noneMatch(id::equals);
                if (beta == version.equals("v1beta1")) {
                    byEvent.put(beta ? v1Id(id) : id, a.path("rule").asText());
                }
            }
            assertThat(byEvent).as(version).isEqualTo(EXPECTED);
        }
        JsonNode exec = raised.getFirst();
        assertThat(exec.path("source").asText()).isEqualTo("k8s_audit");
        assertThat(exec.path("output_fields").path("ka.stage").asText()).isEqualTo("ResponseStarted");
        assertThat(exec.path("output").asText()).contains("user=alice@example.com").contains("pod=web-7d9f8-abcde");

        String scrape = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(scrape).as("Falco's rule counter, next to the auditbridge ones")
                .contains("falcosecurity_falco_rules_matches_total{priority=\"5\",rule_name=\"Attach/Exec Pod\",source=\"k8s_audit\",tags=\"")
                .containsPattern("falcosecurity_falco_rules_matches_total\\{priority=\"3\",rule_name=\"K8s Secret Get Successfully\",source=\"k8s_audit\",tags=\"[^\"]*\"} 2.0")
                .containsPattern("auditbridge_detector_events_total\\{[^}]*} 10.0");
    }

    /** The v1 auditID a v1beta1 fixture event was derived from. */
    private static String v1Id(String beta) {
        return EXPECTED.keySet().stream().filter(id -> id.substring(0, 9).equals(beta.substring(0, 9))).findFirst().orElse(beta);
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, byte[] body, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int status(HttpClient http, URI uri, byte[] body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (body != null) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;                                 // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void await(BooleanSupplier condition, String what) {
        Awaitility.await(what).atMost(java.time.Duration.ofSeconds(60))
                .failFast("the detector process ended", () -> !detector.isAlive()).until(condition::getAsBoolean);
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static JsonNode json(String line) {
        try {
            return EventJson.MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("alert line is not JSON: " + line, e);
        }
    }
}
