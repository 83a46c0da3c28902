package io.auditbridge.gke;

import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.testing.ManualClock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.google.logging.v2.LogEntry;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.checkpoint.FileCheckpointStore;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.BatchLimits;
import io.auditbridge.core.pipeline.SourceRunner;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import io.auditbridge.core.sink.DeadLetterFile;
import io.auditbridge.core.sink.WebhookSink;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loopback Cloud Logging → CloudLoggingSource (real gapic client) → Pipeline → WebhookSink → WireMock, with
 * the webhook answering 503 for a while and Cloud Logging throttling once. Time is a fake clock the runner's
 * sleeper advances, so nothing here waits for real.
 */
class PollerEndToEndTest {
    static final Instant T0 = Instant.parse("2026-11-30T02:00:00Z");

    @TempDir
    Path dir;

    private FakeCloudLogging logging;
    private WireMockServer webhook;
    private final ManualClock clock = new ManualClock(T0);
    private final List<Duration> deliveryWaits = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        logging = new FakeCloudLogging();
        webhook = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        webhook.start();
    }

    @AfterEach
    void stop() throws Exception {
        webhook.stop();
        logging.close();
    }

    private void webhookFailsFirst(int failures) {
        String state = STARTED;
        for (int i = 0; i < failures; i++) {
            String next = "failed-" + (i + 1);
            webhook.stubFor(post(urlEqualTo("/k8s_audit")).inScenario("flaky").whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(503)).willSetStateTo(next));
            state = next;
        }
        webhook.stubFor(post(urlEqualTo("/k8s_audit")).inScenario("flaky").whenScenarioStateIs(state)
                .willReturn(aResponse().withStatus(200)));
    }

    /**
     * Runs the poller until the fake clock reaches {@code until}; {@code onWait} sees each wait's new time,
     * so a test can ingest entries "while" the bridge runs.
     */
    private PipelineMetrics runBridge(Instant until, Consumer<Instant> onWait) throws Exception {
        LogEntryTranslator translator = new LogEntryTranslator();
        PipelineMetrics metrics = PipelineMetrics.inMemory("gke");
        Pipeline<LogEntry> pipeline = Pipeline.builder("gke", translator,
                        WebhookSink.builder("http://127.0.0.1:" + webhook.port() + "/k8s_audit").build())
                .checkpoints(new FileCheckpointStore(dir.resolve("checkpoint.json")))
                .deadLetters(new DeadLetterFile(dir.resolve("dead-letter.ndjson"), clock))
                .batchLimits(new BatchLimits(100, 10L * 1024 * 1024, Duration.ofHours(1), 256 * 1024))
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(2)).build())
                .sleeper(d -> {
                    deliveryWaits.add(d);
                    return true;
                })
                .metrics(metrics)
                .clock(clock)
                .build();
        CloudLoggingSource source = new CloudLoggingSource(CloudLoggingSourceTest.loopback(logging).client(),
                new AuditLogFilter("demo-project", false, List.of("prod-1"), List.of(), null),
                new CloudLoggingSource.Settings(Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(5), 1000, 60, null, null),
                clock, metrics);
        SourceRunner<LogEntry>[] runner = new SourceRunner[1];
        Sleeper fakeTime = d -> {
            clock.advance(d);
            onWait.accept(clock.instant());
            if (!clock.instant().isBefore(until)) {
                runner[0].stop();
            }
            return true;
        };
        runner[0] = new SourceRunner<>(source, pipeline, Duration.ofSeconds(5),
                RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofMinutes(2)).build(), fakeTime, clock);
        try {
            assertThat(runner[0].run(Duration.ofSeconds(30))).as("everything fetched was delivered").isTrue();
        } finally {
            source.close();
            pipeline.close();
        }
        return metrics;
    }

    /** auditID → how many times the webhook accepted it (2xx), over all EventList bodies. */
    private Map<String, Integer> accepted() throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (ServeEvent e : webhook.getAllServeEvents()) {
            if (e.getResponse().getStatus() != 200) {
                continue;
            }
            JsonNode body = EventJson.MAPPER.readTree(e.getRequest().getBodyAsString());
            assertThat(body.get("kind").asText()).isEqualTo("EventList");
            for (JsonNode item : body.get("items")) {
                counts.merge(item.get("auditID").asText(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static LogEntry entry(String id, Instant ts) {
        return FakeCloudLogging.auditEntry(id, ts);
    }

    @Test
    void nothingIsLostWhileTheWebhookFailsAndRestartResumesAfterTheCommittedEntry() throws Exception {
        webhookFailsFirst(4);
        Map<String, Instant> expected = new LinkedHashMap<>();
        // 150 entries already in Cloud Logging, 100 more ingested while the bridge runs.
        for (int i = 0; i < 150; i++) {
            Instant ts = T0.minusSeconds(44).plusMillis(90L * i);
            logging.ingest(entry(String.format("old-%03d", i), ts));
            expected.put(String.format("old-%03d", i), ts);
        }
        List<LogEntry> live = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Instant ts = T0.plusSeconds(10).plusMillis(100L * i);
            live.add(entry(String.format("live-%03d", i), ts));
            expected.put(String.format("live-%03d", i), ts);
        }
        logging.failNext(1, Status.RESOURCE_EXHAUSTED);
        boolean[] ingested = {false};
        PipelineMetrics first = runBridge(T0.plusSeconds(90), now -> {
            if (!ingested[0] && now.isAfter(T0.plusSeconds(20))) {
                logging.ingest(live.toArray(LogEntry[]::new));
                ingested[0] = true;
            }
        });

        Map<String, Integer> got = accepted();
        assertThat(got.keySet()).isEqualTo(new java.util.TreeSet<>(expected.keySet()));
        assertThat(got.values()).as("each event accepted exactly once").containsOnly(1);
        assertThat(webhook.getAllServeEvents()).filteredOn(e -> e.getResponse().getStatus() == 503).hasSize(4);
        assertThat(deliveryWaits).as("the pipeline backed off on each 503").hasSize(4);
        assertThat(first.count("auditbridge.gke.throttled")).isEqualTo(1);
        assertThat(first.count("auditbridge.events.dead_lettered")).isZero();
        String committed = EventJson.MAPPER.readTree(Files.readString(dir.resolve("checkpoint.json")))
                .toString();
        assertThat(committed).contains("live-099").contains(expected.get("live-099").toString());

        // Restart: new entries after the cursor; the cursor's own entry is not sent again.
        webhook.resetRequests();
        List<String> newer = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = String.format("new-%03d", i);
            logging.ingest(entry(id, T0.plusSeconds(200 + i)));
            newer.add(id);
        }
        clock.advance(Duration.ofMinutes(10));
        runBridge(clock.instant().plusSeconds(30), now -> {});
        Map<String, Integer> afterRestart = accepted();
        assertThat(afterRestart.keySet()).containsAll(newer).doesNotContain("live-099");
        Instant cursor = expected.get("live-099");
        for (String resent : afterRestart.keySet()) {
            if (!newer.contains(resent)) {
                // At-least-once: only entries in the overlap before the cursor may be delivered again.
                assertThat(expected.get(resent)).isBetween(cursor.minusSeconds(15), cursor.minusNanos(1));
            }
        }
    }
}
