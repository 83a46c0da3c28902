package io.auditbridge.core.sink;

import static org.awaitility.Awaitility.await;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.checkpoint.FileCheckpointStore;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.ops.OpsServer;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.testing.ListSource;
import io.auditbridge.core.testing.SampleEvents;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import io.auditbridge.core.testing.LoopbackWireMock;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12: a dead-letter file at its cap ({@code --dead-letter-max-bytes}, {@code --dead-letter-max-files 1})
 * while the webhook refuses every event for its content (400). Once the cap is reached, {@code /readyz} answers
 * 503 naming the full dead-letter file, and the partition is not committed past the first event that could not
 * be dead-lettered; when the operator moves the rotated file away, delivery resumes and everything commits.
 * Real webhook (WireMock), real files, the real pipeline and ops server, options parsed as the CLI parses them.
 */
class DeadLetterCapReadinessTest {
    private static final int EVENTS = 10;

    @TempDir
    Path dir;

    @RegisterExtension
    final WireMockExtension webhook = LoopbackWireMock.perTest();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startWebhook() {
        webhook.stubFor(post(urlPathEqualTo("/k8s-audit")).willReturn(aResponse().withStatus(400).withBody("bad event")));
    }

    @Test
    void aFullDeadLetterFileShowsOnReadyzAndHoldsTheCommitAtTheFirstEventItCouldNotTake() throws Exception {
        Path dead = dir.resolve("dead.ndjson");
        // One line holds one sample event (well under 2 KiB), so the file and its one rotation hold a few, never ten.
        long lineBytes = SampleEvents.event(1).toJsonBytes().length;
        long cap = 2 * lineBytes + lineBytes / 2;
        PipelineOptions opts = new PipelineOptions();
        new CommandLine(opts).parseArgs("--dead-letter-file", dead.toString(), "--dead-letter-max-bytes", Long.toString(cap),
                "--dead-letter-max-files", "1", "--retry-initial-backoff", "5ms", "--retry-max-backoff", "20ms",
                "--batch-max-age", "5ms");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("cp.json"));
        List<Path> files = new ArrayList<>(List.of(dead, dead.resolveSibling("dead.ndjson.1")));
        try (Pipeline<byte[]> p = opts.applyTo(Pipeline.builder("test", new K8sEventTranslator(null, Map.of()),
                                WebhookSink.builder("http://127.0.0.1:" + webhook.getPort() + "/k8s-audit").build()))
                        .checkpoints(store)
                        .metrics(new PipelineMetrics(registry, "test"))
                        .deadLetters(opts.deadLetters(Clock.systemUTC()))
                        .build();
             OpsServer ops = OpsServer.start("127.0.0.1", 0, registry, () -> true, p::notReadyReason)) {
            p.start();
            var submission = p.submit(ListSource.records(1, EVENTS));
            p.flush();

            await().atMost(Duration.ofMinutes(1)).until(() -> p.notReadyReason() != null && p.notReadyReason().contains("is full"));
            HttpResponse<String> ready = readyz(ops.port());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("dead-letter").contains("is full").contains(dead.toString());
            assertThat(submission.done()).isNotDone();

            // Every event the pipeline counted as done is in a dead-letter file; the commit stops before the first that is not.
            List<String> kept = deadLetteredIds(dead, dead.resolveSibling("dead.ndjson.1"));
            assertThat(kept).hasSizeLessThan(EVENTS).doesNotHaveDuplicates();
            p.flush();
            long committed = Long.parseLong(store.load().getOrDefault("p", "0"));
            assertThat(committed).as("committed position vs. %s dead-lettered", kept).isLessThanOrEqualTo(kept.size());
            for (int i = 1; i <= committed; i++) {
                assertThat(kept).contains(SampleEvents.auditId(i));
            }
            assertThat(committed).as("not past the event that could not be dead-lettered").isLessThan(EVENTS);
            assertThat(ready.statusCode()).isEqualTo(503);

            // The operator archives each rotated file as it fills: there is room again, the rest is dead-lettered and committed.
            List<Path> archived = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!submission.done().isDone()) {
                assertThat(System.nanoTime()).as("not all dead-lettered within a minute").isLessThan(deadline);
                Path rotated = dead.resolveSibling("dead.ndjson.1");
                if (Files.exists(rotated)) {
                    Path to = dir.resolve("archived-" + archived.size() + ".ndjson");
                    Files.move(rotated, to);
                    archived.add(to);
                } else {
                    Thread.sleep(5);
                }
            }
            submission.done().get();
            files.addAll(archived);
            p.drain(Duration.ofMinutes(1));
            assertThat(store.load()).isEqualTo(Map.of("p", Integer.toString(EVENTS)));
        }
        List<String> all = deadLetteredIds(files.toArray(Path[]::new));
        assertThat(all).containsExactlyInAnyOrderElementsOf(SampleEvents.events(1, EVENTS).stream().map(e -> e.auditId()).toList());
    }

    private static List<String> deadLetteredIds(Path... files) throws IOException {
        List<String> ids = new ArrayList<>();
        for (Path f : files) {
            if (!Files.exists(f)) {
                continue;
            }
            for (String line : Files.readAllLines(f)) {
                for (int i = 1; i <= EVENTS; i++) {
                    if (line.contains("\"" + SampleEvents.auditId(i) + "\"")) {
                        ids.add(SampleEvents.auditId(i));
                    }
                }
            }
        }
        return ids;
    }

    private HttpResponse<String> readyz(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
