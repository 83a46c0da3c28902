package io.auditbridge.openshift;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.cli.BridgeCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The two subcommands as a user runs them. */
class OpenShiftBridgeCliTest {
    @TempDir
    Path dir;

    @Test
    void runReceivesAuthenticatesAndDeliversToTheSink() throws Exception {
        WireMockServer webhook = new WireMockServer(options().dynamicPort());
        webhook.start();
        try {
            webhook.stubFor(WireMock.post(urlEqualTo("/k8s-audit")).willReturn(aResponse().withStatus(200)));
            Path token = Files.writeString(dir.resolve("token"), "cli-token\n");
            CommandLine cl = BridgeCli.commandLine(new OpenShiftBridge());
            RunCommand run = cl.getSubcommands().get("run").getCommand();
            CompletableFuture<RunCommand.Started> started = new CompletableFuture<>();
            run.onStarted = started::complete;
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("run",
                    "--listen-host", "127.0.0.1", "--listen-port", "0", "--auth-token-file", token.toString(),
                    "--sink", webhook.baseUrl() + "/k8s-audit", "--metrics-port", "-1", "--cluster-name", "ocp-prod",
                    "--dead-letter-file", dir.resolve("dl.ndjson").toString()));
            RunCommand.Started s = started.get(30, TimeUnit.SECONDS);

            OkHttpClient client = new OkHttpClient();
            Request.Builder req = new Request.Builder().url("http://127.0.0.1:" + s.port() + "/openshift/audit")
                    .post(RequestBody.create(Fixtures.read("v6-array.json"), MediaType.get("application/json")));
            try (Response anonymous = client.newCall(req.build()).execute()) {
                assertThat(anonymous.code()).isEqualTo(401);
            }
            try (Response ok = client.newCall(req.header("Authorization", "Bearer cli-token").build()).execute()) {
                assertThat(ok.code()).isEqualTo(200);
            }
            List<JsonNode> delivered = new ArrayList<>();
            for (var e : webhook.getAllServeEvents()) {
                EventJson.MAPPER.readTree(e.getRequest().getBody()).path("items").forEach(delivered::add);
            }
            assertThat(delivered).hasSize(5)
                    .allSatisfy(e -> assertThat(e.path("annotations").path("cluster_name").asText()).isEqualTo("ocp-prod"));

            s.stop().run();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        } finally {
            webhook.stop();
        }
    }

    @Test
    void runRejectsARetryBudgetAsLongAsTheRequestTimeout() {
        StringWriter err = new StringWriter();
        CommandLine cl = BridgeCli.commandLine(new OpenShiftBridge());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("run", "--listen-port", "0", "--sink", "http://127.0.0.1:9/x", "--metrics-port", "-1",
                "--allow-unauthenticated", "--request-timeout", "10s", "--max-retry-duration", "10s");
        assertThat(code).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(err.toString()).startsWith("error: --max-retry-duration:").doesNotContain("\n\n");
    }

    @Test
    void runRefusesToStartWithoutAnyCredentials() {
        StringWriter err = new StringWriter();
        CommandLine cl = BridgeCli.commandLine(new OpenShiftBridge());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("run", "--listen-port", "0", "--sink", "http://127.0.0.1:9/x", "--metrics-port", "-1");
        assertThat(code).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(err.toString()).startsWith("error: --auth-token-file: required");
    }

    @Test
    void translateReadsArraysNdjsonAndGzipFromTheBytes() throws Exception {
        Path array = Files.write(dir.resolve("body-1.json"), Fixtures.read("v6-array.json"));
        Path gz = Files.write(dir.resolve("body-2"), Fixtures.gzip(Fixtures.read("v5-array.json")));
        Path ndjson = Files.write(dir.resolve("body-3.ndjson"), Fixtures.read("v5-fluentd.ndjson"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        PrintStream stdout = System.out;
        int code;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = BridgeCli.commandLine(new OpenShiftBridge());
            cl.setErr(new PrintWriter(err));
            code = cl.execute("translate", "--dead-letter-file", dir.resolve("dl.ndjson").toString(),
                    array.toString(), gz.toString(), ndjson.toString());
        } finally {
            System.setOut(stdout);
        }
        assertThat(code).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> ids = new ArrayList<>();
        for (String line : lines) {
            JsonNode e = EventJson.MAPPER.readTree(line);
            assertThat(e.has("hostname") || e.has("openshift") || e.has("tag")).isFalse();
            ids.add(e.path("auditID").asText());
        }
        assertThat(ids).containsExactly("9c8b7a65-0d3e-4c1f-9a51-6b2f3e7d1a01", "2f0e7c1a-8b4d-4e2a-b7c3-55d0a9e3f102",
                "c4d5e6f7-0a1b-4c2d-8e3f-a0b1c2d3e4f5", "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b",
                "9c8b7a65-0d3e-4c1f-9a51-6b2f3e7d1a01", "5a5a5a5a-0000-4000-8000-000000000005",
                "5b5b5b5b-0000-4000-8000-000000000005", "f1f1f1f1-0000-4000-8000-000000000005");
        assertThat(err.toString()).contains("openshift: 8 events").contains("3 skipped");
    }
}
