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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-managed recipe end to end, minus the API server: `detector serve` started as the Deployment
 * starts it (port 7765's stand-in, --token-file), and a batch shaped as kube-apiserver's webhook backend
 * sends it (an audit.k8s.io/v1 EventList, application/json) posted with the URL path and bearer token of
 * self-managed/audit-webhook-kubeconfig.yaml. The exec event must raise the Attach/Exec alert.
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

    @Test
    void anApiServerWebhookBatchPostedWithTheKubeconfigsTokenRaisesTheExecAlert() throws Exception {
        assumeTrue(BridgeCli.commandLine(new DetectorCli()).getSubcommands().containsKey("serve"),
                "the detector in this build has no serve command yet");
        Config kubeconfig = Serialization.unmarshal(HelmChart.read(SelfManagedTest.DIR.resolve("audit-webhook-kubeconfig.yaml")), Config.class);
        URI configured = URI.create(kubeconfig.getClusters().getFirst().getCluster().getServer());
        String token = kubeconfig.getUsers().getFirst().getUser().getToken();
        Path tokenFile = Files.writeString(dir.resolve("token"), token);
        Path alerts = dir.resolve("alerts.ndjson");
        int port = freePort();
        int metricsPort = freePort();
        detector = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DetectorCli.class.getName(),
                "serve", "--host", "127.0.0.1", "--port", Integer.toString(port), "--token-file", tokenFile.toString(),
                "--alerts", "file:" + alerts, "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metricsPort))
                .redirectErrorStream(true).redirectOutput(dir.resolve("detector.log").toFile()).start();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        await(() -> status(http, URI.create("http://127.0.0.1:" + metricsPort + "/readyz"), null, null) == 200,
                "detector ready (log: " + dir.resolve("detector.log") + ")");

        URI local = URI.create("http://127.0.0.1:" + port + configured.getPath());
        byte[] batch;
        try (InputStream in = getClass().getResourceAsStream("/self-managed/apiserver-webhook-batch.json")) {
            batch = in.readAllBytes();
        }
        assertThat(status(http, local, batch, "wrong-token")).as("a caller without the kubeconfig's token").isEqualTo(401);
        assertThat(status(http, local, batch, token)).as("the API server's POST is answered after evaluation").isEqualTo(200);

        await(() -> read(alerts).contains("\"Attach/Exec Pod\""), "the exec alert is written");
        // Other bundled rules may fire too (e.g. a user outside the allowed list); the exec one must be exact.
        List<JsonNode> execAlerts = read(alerts).lines().map(SelfManagedDetectorTest::json)
                .filter(a -> a.path("rule").asText().equals("Attach/Exec Pod")).toList();
        assertThat(execAlerts).as("one Attach/Exec alert, for the exec event only, not for the list").hasSize(1);
        JsonNode alert = execAlerts.getFirst();
        assertThat(alert.path("source").asText()).isEqualTo("k8s_audit");
        assertThat(alert.path("output_fields").path("ka.auditid").asText()).isEqualTo("6d1c2f4e-0b7a-4c1e-9f5d-2a8e7c3b9d01");
        assertThat(alert.path("output_fields").path("ka.stage").asText()).isEqualTo("ResponseStarted");
        assertThat(alert.path("output").asText()).contains("user=alice@example.com").contains("pod=web-7d9f8-abcde");
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

    private void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(detector.isAlive()).as("detector process still running while waiting until " + what).isTrue();
            assertThat(System.nanoTime()).as("timed out waiting until " + what).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
        }
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
