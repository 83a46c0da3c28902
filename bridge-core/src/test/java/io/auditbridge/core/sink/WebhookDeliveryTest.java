package io.auditbridge.core.sink;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.checkpoint.FileCheckpointStore;
import io.auditbridge.core.pipeline.BatchLimits;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.testing.ListSource;
import io.auditbridge.core.testing.RecordingSleeper;
import io.auditbridge.core.testing.ManualClock;
import io.auditbridge.core.testing.SampleEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.auditbridge.core.testing.LoopbackWireMock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pipeline delivering to a real HTTP server (WireMock) through the real WebhookSink. */
class WebhookDeliveryTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final WireMockExtension webhook = LoopbackWireMock.perTest();
    private final ManualClock clock = new ManualClock(1_800_000_000_000L);

    private String url() {
        return "http://127.0.0.1:" + webhook.getPort() + "/k8s-audit";
    }

    private Pipeline.Builder<byte[]> pipeline(WebhookSink sink, io.auditbridge.core.retry.Sleeper sleeper, FileCheckpointStore store) {
        return Pipeline.builder("test", new K8sEventTranslator(null, Map.of()), sink)
                .checkpoints(store)
                .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), clock))
                .batchLimits(new BatchLimits(500, 10 * 1024 * 1024, Duration.ofHours(1), 256 * 1024))
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(100)).random(() -> 0.5).build())
                .clock(clock)
                .sleeper(sleeper);
    }

    @Test
    void threeUnavailableAnswersThenOkDeliversEveryEventOnceInOrderAndCommitsOnlyAfterTheOk() throws Exception {
        webhook.stubFor(post("/k8s-audit").inScenario("outage").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("503-2"));
        webhook.stubFor(post("/k8s-audit").inScenario("outage").whenScenarioStateIs("503-2")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("503-3"));
        webhook.stubFor(post("/k8s-audit").inScenario("outage").whenScenarioStateIs("503-3")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        webhook.stubFor(post("/k8s-audit").inScenario("outage").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));

        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("cp.json"));
        List<Map<String, String>> checkpointDuringRetries = new ArrayList<>();
        RecordingSleeper recorder = new RecordingSleeper(clock);
        io.auditbridge.core.retry.Sleeper sleeper = d -> {
            try {
                checkpointDuringRetries.add(store.load());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            return recorder.sleep(d);
        };
        try (Pipeline<byte[]> p = pipeline(WebhookSink.builder(url()).build(), sleeper, store).build()) {
            p.start();
            var submission = p.submit(ListSource.records(1, 10));
            p.flush();
            submission.done().get();
            p.drain(Duration.ofMinutes(1));
            assertThat(p.committedPositions()).isEqualTo(Map.of("p", "10"));
        }

        List<LoggedRequest> requests = webhook.findAll(postRequestedFor(urlEqualTo("/k8s-audit")));
        assertThat(requests).hasSize(4);
        List<String> expected = SampleEvents.events(1, 10).stream().map(e -> e.auditId()).toList();
        for (LoggedRequest r : requests) {
            assertThat(SampleEvents.auditIds(r.getBody())).containsExactlyElementsOf(expected);
            assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        }
        assertThat(checkpointDuringRetries).containsExactly(Map.of(), Map.of(), Map.of());
        assertThat(recorder.waits()).hasSize(3);
        assertThat(store.load()).isEqualTo(Map.of("p", "10"));
    }

    @Test
    void retryAfterOn429IsHonoured() throws Exception {
        webhook.stubFor(post("/k8s-audit").inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")).willSetStateTo("ok"));
        webhook.stubFor(post("/k8s-audit").inScenario("throttle").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200)));
        RecordingSleeper sleeper = new RecordingSleeper(clock);
        try (Pipeline<byte[]> p = pipeline(WebhookSink.builder(url()).build(), sleeper,
                new FileCheckpointStore(dir.resolve("cp.json"))).build()) {
            p.start();
            var s = p.submit(ListSource.records(1, 3));
            p.flush();
            s.done().get();
        }
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7));
        webhook.verify(2, postRequestedFor(urlEqualTo("/k8s-audit")));
    }

    @Test
    void aBadEventIsIsolatedAndDeadLetteredWhileTheOthersAreDelivered() throws Exception {
        String bad = SampleEvents.auditId(5);
        webhook.stubFor(post("/k8s-audit").atPriority(1).withRequestBody(containing(bad))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"object too deep\"}")));
        webhook.stubFor(post("/k8s-audit").atPriority(2).willReturn(aResponse().withStatus(200)));
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("cp.json"));
        try (Pipeline<byte[]> p = pipeline(WebhookSink.builder(url()).build(), new RecordingSleeper(clock), store).build()) {
            p.start();
            var s = p.submit(ListSource.records(1, 8));
            p.flush();
            s.done().get();
            assertThat(p.metrics().count("auditbridge.events.dead_lettered")).isEqualTo(1);
        }
        List<String> delivered = new ArrayList<>();
        for (LoggedRequest r : webhook.findAll(postRequestedFor(urlEqualTo("/k8s-audit")))) {
            if (!r.getBodyAsString().contains(bad)) {
                delivered.addAll(SampleEvents.auditIds(r.getBody()));
            }
        }
        List<String> expected = new ArrayList<>(SampleEvents.events(1, 8).stream().map(e -> e.auditId()).toList());
        expected.remove(bad);
        assertThat(delivered).containsExactlyElementsOf(expected);

        List<String> dead = Files.readAllLines(dir.resolve("dead.ndjson"));
        assertThat(dead).hasSize(1);
        assertThat(dead.getFirst()).contains("\"reason\":\"rejected: HTTP 400: {\\\"error\\\":\\\"object too deep\\\"}\"")
                .contains("\"auditID\":\"" + bad + "\"").contains("\"event\":{\"kind\":\"Event\"");
        assertThat(store.load()).isEqualTo(Map.of("p", "8"));
    }

    @Test
    void givingUpAfterTheRetryBudgetDeadLettersAndMovesOn() throws Exception {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(500)));
        RecordingSleeper sleeper = new RecordingSleeper(clock);
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("cp.json"));
        try (Pipeline<byte[]> p = pipeline(WebhookSink.builder(url()).build(), sleeper, store)
                .retry(RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofSeconds(1))
                        .maxRetryDuration(Duration.ofSeconds(5)).random(() -> 0.999).build())
                .build()) {
            p.start();
            var s = p.submit(ListSource.records(1, 2));
            p.flush();
            s.done().get();
            assertThat(p.metrics().count("auditbridge.events.dead_lettered", "reason", "gave_up")).isEqualTo(2);
        }
        assertThat(Files.readAllLines(dir.resolve("dead.ndjson"))).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("retry budget exhausted after 6 attempts: HTTP 500"));
        assertThat(store.load()).isEqualTo(Map.of("p", "2"));
    }

    @Test
    void gzipBodyDecodesToTheSameEventListAndTheBearerTokenIsSent() throws Exception {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        WebhookSink sink = WebhookSink.builder(url()).gzip(true).bearerToken(() -> "s3cr3t-t0ken").build();
        try (Pipeline<byte[]> p = pipeline(sink, new RecordingSleeper(clock), new FileCheckpointStore(dir.resolve("cp.json"))).build()) {
            p.start();
            var s = p.submit(ListSource.records(1, 20));
            p.flush();
            s.done().get();
        }
        LoggedRequest r = webhook.findAll(postRequestedFor(urlEqualTo("/k8s-audit"))).getFirst();
        assertThat(r.getHeader("Content-Encoding")).isEqualTo("gzip");
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer s3cr3t-t0ken");
        // WireMock hands back the decompressed body: it must be byte-for-byte the EventList we would send plain.
        assertThat(r.getBody()).isEqualTo(io.auditbridge.core.EventWriter.toEventList(SampleEvents.events(1, 20)));
        webhook.verify(postRequestedFor(urlEqualTo("/k8s-audit")).withHeader("Authorization", equalTo("Bearer s3cr3t-t0ken")));
    }
}
