package io.auditbridge.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.detector.TestEvents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serve command's own wiring: options → receiver on both paths, token, rules, alert file. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void serveWiresTokenRulesAndAlertsFromItsOptions() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t0ken");
        Path alerts = dir.resolve("alerts.ndjson");
        ServeCommand serve = new ServeCommand();
        BridgeCli.commandLine(serve).parseArgs("--listen-host", "127.0.0.1", "--listen-port", "0", "--metrics-port", "-1",
                "--auth-token-file", token.toString(), "--alerts", "file:" + alerts, "--hostname", "det-1");
        byte[] body = TestEvents.event("{\"auditID\": \"x-1\", \"objectRef\": {\"resource\": \"secrets\"}}").toJsonBytes();
        try (ServeCommand.Running running = serve.start(); HttpClient client = HttpClient.newHttpClient()) {
            for (String path : new String[] {"/k8s_audit", "/k8s-audit"}) {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + path))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
                assertThat(client.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
                HttpResponse<String> ok = client.send(req.header("Authorization", "Bearer t0ken").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(ok.statusCode()).isEqualTo(200);
                assertThat(ok.body()).isEqualTo("{\"events\":1,\"alerts\":1,\"skipped\":0}");
            }
        }
        assertThat(Files.readAllLines(alerts)).hasSize(2)
                .allSatisfy(l -> assertThat(TestEvents.json(l).get("hostname").asText()).isEqualTo("det-1"));
    }
}
