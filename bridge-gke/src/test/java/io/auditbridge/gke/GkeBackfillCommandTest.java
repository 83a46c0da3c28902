package io.auditbridge.gke;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.cli.BridgeCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bridge-gke backfill} from the command line, against loopback Cloud Logging and a WireMock webhook. */
class GkeBackfillCommandTest {
    @TempDir
    Path dir;

    private FakeCloudLogging logging;
    private WireMockServer webhook;

    @BeforeEach
    void start() throws Exception {
        logging = new FakeCloudLogging();
        webhook = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        webhook.start();
        webhook.stubFor(post(urlEqualTo("/k8s_audit")).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stop() throws Exception {
        webhook.stop();
        logging.close();
    }

    @Test
    void readsTheFixedRangeOnceDeliversItAndExitsWithASummary() throws Exception {
        Instant since = Instant.parse("2026-11-29T00:00:00Z");
        List<String> inRange = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            String id = String.format("bf-%04d", i);
            logging.ingest(FakeCloudLogging.auditEntry(id, since.plusSeconds(60L * i)));
            inRange.add(id);
        }
        // --until is excluded (as EKS's backfill): an entry stamped exactly then belongs to the next range.
        logging.ingest(FakeCloudLogging.auditEntry("before", since.minusSeconds(1)),
                FakeCloudLogging.auditEntry("at-until", Instant.parse("2026-11-30T00:00:00Z")),
                FakeCloudLogging.auditEntry("after", Instant.parse("2026-11-30T00:00:01Z")));

        StringWriter err = new StringWriter();
        CommandLine cl = BridgeCli.commandLine(new GkeBridge());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("backfill", "--project", "demo-project", "--cluster", "prod-1",
                "--since", "2026-11-29T00:00:00Z", "--until", "2026-11-30T00:00:00Z",
                "--logging-endpoint", logging.endpoint(), "--logging-plaintext",
                "--sink", "http://127.0.0.1:" + webhook.port() + "/k8s_audit",
                "--dead-letter-file", dir.resolve("dl.ndjson").toString());

        assertThat(code).as(err.toString()).isZero();
        List<String> delivered = new ArrayList<>();
        for (LoggedRequest r : webhook.findAll(postRequestedFor(urlEqualTo("/k8s_audit")))) {
            for (JsonNode item : EventJson.MAPPER.readTree(r.getBodyAsString()).get("items")) {
                delivered.add(item.get("auditID").asText());
            }
        }
        // Each once, nothing outside the range; batches go out up to --sink-concurrency at a time, so not in order.
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(inRange);
        assertThat(logging.requests()).hasSize(2);
        assertThat(logging.requests().getFirst().getFilter()).endsWith(
                "resource.labels.cluster_name=\"prod-1\" AND timestamp>=\"2026-11-29T00:00:00Z\" AND timestamp<\"2026-11-30T00:00:00Z\"");
        assertThat(err.toString()).contains("gke backfill 2026-11-29T00:00:00Z .. 2026-11-30T00:00:00Z: 2 requests, 1200 events delivered, 0 skipped, 0 record errors");
    }

    @Test
    void badConfigurationIsOneLineNamingTheOption() {
        StringWriter err = new StringWriter();
        CommandLine cl = BridgeCli.commandLine(new GkeBridge());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("backfill", "--project", "p", "--all-clusters", "--since", "2026-11-29T00:00:00Z", "--page-size", "5000",
                "--sink", "console", "--dead-letter-file", dir.resolve("dl.ndjson").toString());
        assertThat(code).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(err.toString().strip()).isEqualTo("error: --page-size: must be 1..1000: 5000");
    }

    @Test
    void runRefusesABadReadBudgetBeforeStartingAnything() {
        StringWriter err = new StringWriter();
        CommandLine cl = BridgeCli.commandLine(new GkeBridge());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("run", "--project", "p", "--all-clusters", "--reads-per-minute", "0", "--sink", "console",
                "--checkpoint-file", dir.resolve("cp.json").toString(), "--metrics-port", "-1");
        assertThat(code).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(err.toString().strip()).isEqualTo("error: --reads-per-minute: must be >= 1: 0");
        assertThat(logging.requests()).isEmpty();
    }
}
