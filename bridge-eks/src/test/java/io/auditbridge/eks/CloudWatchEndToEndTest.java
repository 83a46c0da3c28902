package io.auditbridge.eks;

import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.poll.RequestRateLimiter;
import io.auditbridge.core.testing.ManualClock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.auditbridge.eks.AuditFixtures.AUDIT_STREAM;
import static io.auditbridge.eks.AuditFixtures.LOG_GROUP;
import static io.auditbridge.eks.AuditFixtures.auditLine;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.checkpoint.FileCheckpointStore;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.BatchLimits;
import io.auditbridge.core.pipeline.SourceRunner;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import io.auditbridge.core.sink.DeadLetterFile;
import io.auditbridge.core.sink.WebhookSink;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CloudWatch Logs (WireMock, real SDK client) → poller → pipeline → webhook (WireMock) with an outage and a
 * restart in the middle: every event arrives, and the only duplicates are events inside the overlap re-read
 * after the restart (the documented at-least-once window).
 */
class CloudWatchEndToEndTest {
    static final long T0 = 1796000700000L;
    static final Duration LAG = Duration.ofMinutes(2);
    static final Duration OVERLAP = Duration.ofMinutes(2);
    static final Duration POLL = Duration.ofSeconds(30);

    private final LogGroupFake logGroup = new LogGroupFake(3);
    private final WireMockServer cloudWatch = new WireMockServer(options().dynamicPort().extensions(logGroup));
    private final WireMockServer webhook = new WireMockServer(options().dynamicPort());
    private final ManualClock clock = new ManualClock(T0);
    private final Map<String, Long> timestampOf = new HashMap<>();
    private int seq;
    private Pipeline<CloudWatchLogEvent> pipeline;

    @TempDir
    Path tmp;

    @org.junit.jupiter.api.BeforeEach
    void start() {
        cloudWatch.start();
        cloudWatch.stubFor(post("/").withHeader("X-Amz-Target", equalTo(FakeCloudWatch.TARGET)).willReturn(aResponse().withStatus(200)));
        webhook.start();
    }

    @AfterEach
    void stop() {
        cloudWatch.stop();
        webhook.stop();
    }

    /** An audit event EKS wrote at {@code ts}, ingested by CloudWatch now. */
    private void ingest(long ts) {
        String auditId = "audit-" + (++seq);
        timestampOf.put(auditId, ts);
        logGroup.ingest(new FakeCloudWatch.Ev(AUDIT_STREAM, ts, clock.millis(), "ev-" + seq, auditLine(auditId)));
    }

    private void webhookUp() {
        webhook.stubFor(post(urlEqualTo("/k8s-audit")).atPriority(5).willReturn(aResponse().withStatus(200)));
    }

    private void webhookDown() {
        webhook.stubFor(post(urlEqualTo("/k8s-audit")).atPriority(1).willReturn(aResponse().withStatus(503)));
    }

    /**
     * Runs the poller until {@code polls} idle waits passed; {@code onWait} is called with the wait's number
     * before the clock moves (to ingest events or cut the webhook).
     */
    private Map<String, String> runBridge(int polls, IntConsumer onWait, boolean expectDrained) throws Exception {
        PipelineMetrics metrics = PipelineMetrics.inMemory("eks");
        FileCheckpointStore checkpoints = new FileCheckpointStore(tmp.resolve("checkpoint.json"));
        pipeline = Pipeline.builder("eks", new EksAuditTranslator("prod-eks-01"),
                        WebhookSink.builder("http://127.0.0.1:" + webhook.port() + "/k8s-audit").build())
                .metrics(metrics)
                .checkpoints(checkpoints)
                .deadLetters(new DeadLetterFile(tmp.resolve("dead-letter.ndjson"), Clock.systemUTC()))
                .batchLimits(new BatchLimits(4, 1024 * 1024, Duration.ZERO, 256 * 1024))
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(20)).build())
                .shutdownTimeout(Duration.ofMillis(200))
                .build();
        CloudWatchAuditSource source = CloudWatchAuditSource.follow(FakeCloudWatch.client(cloudWatch),
                new CloudWatchAuditSource.Settings(LOG_GROUP, "kube-apiserver-audit", null, LAG, OVERLAP, POLL, Duration.ofMinutes(5)),
                clock, RequestRateLimiter.perSecond(2.0, clock, d -> {
                    clock.advance(d);
                    return true;
                }), metrics);
        @SuppressWarnings("unchecked")
        SourceRunner<CloudWatchLogEvent>[] runner = (SourceRunner<CloudWatchLogEvent>[]) new SourceRunner<?>[1];
        int[] waits = {0};
        Sleeper pollWait = d -> {
            int n = ++waits[0];
            if (n > polls) {
                runner[0].stop();
                return false;
            }
            onWait.accept(n);
            clock.advance(d);
            return true;
        };
        runner[0] = new SourceRunner<>(source, pipeline, POLL, RetryPolicy.defaults(), pollWait, clock);
        boolean drained = runner[0].run(Duration.ofSeconds(expectDrained ? 30 : 1));
        pipeline.close();
        source.close();
        assertThat(drained).isEqualTo(expectDrained);
        return checkpoints.load();
    }

    private void awaitDelivered() {
        try {
            assertThat(pipeline.drain(Duration.ofSeconds(30))).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** auditID → how many times the webhook acknowledged it. */
    private Map<String, Integer> acknowledged() throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (ServeEvent e : webhook.getAllServeEvents()) {
            if (e.getResponse().getStatus() != 200) {
                continue;
            }
            JsonNode list = EventJson.MAPPER.readTree(e.getRequest().getBodyAsString());
            assertThat(list.get("kind").asText()).isEqualTo("EventList");
            for (JsonNode item : list.get("items")) {
                counts.merge(item.get("auditID").asText(), 1, Integer::sum);
                assertThat(item.path("annotations").path("cluster_name").asText()).isEqualTo("prod-eks-01");
            }
        }
        return counts;
    }

    @Test
    void nothingIsLostThroughAWebhookOutageAndARestartAndOnlyTheOverlapIsDeliveredTwice() throws Exception {
        // The webhook refuses the first three batches, then recovers.
        webhook.stubFor(post(urlEqualTo("/k8s-audit")).inScenario("outage").atPriority(3).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("1").willReturn(aResponse().withStatus(503)));
        webhook.stubFor(post(urlEqualTo("/k8s-audit")).inScenario("outage").atPriority(3).whenScenarioStateIs("1")
                .willSetStateTo("2").willReturn(aResponse().withStatus(503)));
        webhook.stubFor(post(urlEqualTo("/k8s-audit")).inScenario("outage").atPriority(3).whenScenarioStateIs("2")
                .willSetStateTo("up").willReturn(aResponse().withStatus(502)));
        webhookUp();
        for (int i = 0; i < 7; i++) {
            ingest(T0 - 400_000 + i * 1_000);
        }

        Map<String, String> afterFirstRun = runBridge(4, wait -> {
            if (wait == 1) {
                // Two events EKS delivers late: their timestamps are already behind the cursor, same millisecond.
                long behind = T0 - LAG.toMillis() - 10_000;
                ingest(behind);
                ingest(behind);
                ingest(clock.millis() - 65_000); // read by the window after the next wait
            }
            if (wait == 3) {
                // Once what was read so far is acknowledged (and committed), the webhook goes down for good while new events arrive: they are fetched but never acknowledged.
                awaitDelivered();
                webhookDown();
                ingest(clock.millis() - LAG.toMillis() + 5_000);
                ingest(clock.millis() - LAG.toMillis() + 6_000);
            }
        }, false);

        long committed = Long.parseLong(afterFirstRun.get(LOG_GROUP));
        Set<String> firstRun = new HashSet<>(acknowledged().keySet());
        assertThat(firstRun).hasSize(10).doesNotContain("audit-11", "audit-12");
        // Those two were read but never acknowledged: the cursor did not pass them.
        assertThat(committed).isLessThanOrEqualTo(timestampOf.get("audit-11"));

        // Restart with the webhook back: the undelivered events are read again from the checkpoint.
        webhook.resetAll();
        webhookUp();
        runBridge(3, wait -> {
            if (wait == 1) {
                ingest(clock.millis() - LAG.toMillis() - 1_000);
            }
        }, true);

        Map<String, Integer> counts = acknowledged();
        List<String> all = new ArrayList<>(timestampOf.keySet());
        Set<String> delivered = new HashSet<>(firstRun);
        delivered.addAll(counts.keySet());
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(all);
        // Second run alone delivered each event once; the ones also delivered by the first run are only those
        // the restart re-read: timestamps within [committed - overlap, committed].
        assertThat(counts.values()).containsOnly(1);
        for (String id : counts.keySet()) {
            if (firstRun.contains(id)) {
                assertThat(timestampOf.get(id)).as(id).isBetween(committed - OVERLAP.toMillis(), committed);
            }
        }
    }
}
