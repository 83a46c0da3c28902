package io.auditbridge.eks;

import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.poll.RequestRateLimiter;
import io.auditbridge.core.testing.ManualClock;

import static io.auditbridge.eks.AuditFixtures.AUDIT_STREAM;
import static io.auditbridge.eks.AuditFixtures.LOG_GROUP;
import static io.auditbridge.eks.AuditFixtures.auditLine;
import static io.auditbridge.eks.FakeCloudWatch.error;
import static io.auditbridge.eks.FakeCloudWatch.ok;
import static io.auditbridge.eks.FakeCloudWatch.page;
import static io.auditbridge.eks.FakeCloudWatch.requests;
import static io.auditbridge.eks.FakeCloudWatch.respondInSequence;
import static io.auditbridge.eks.FakeCloudWatch.throttled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.auditbridge.core.SourceNotReadyException;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.TransientSourceException;
import io.auditbridge.core.testing.MemoryCheckpointStore;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.SourceRunner;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import io.auditbridge.core.sink.DeadLetterFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real SDK client (Apache 5 HTTP client, SigV4, JSON 1.1) against WireMock answering FilterLogEvents. */
class CloudWatchAuditSourceTest {
    static final long T0 = 1796000700000L;
    static final long LAG = 120_000;
    static final long OVERLAP = 120_000;
    static final CloudWatchAuditSource.Settings SETTINGS = new CloudWatchAuditSource.Settings(LOG_GROUP,
            "kube-apiserver-audit", null, Duration.ofMillis(LAG), Duration.ofMillis(OVERLAP), Duration.ofSeconds(30),
            Duration.ofMinutes(5));

    private final WireMockServer wm = new WireMockServer(options().dynamicPort());
    private final ManualClock clock = new ManualClock(T0);
    private final List<Duration> limiterWaits = new ArrayList<>();
    private final PipelineMetrics metrics = PipelineMetrics.inMemory("eks");

    @BeforeEach
    void startFake() {
        wm.start();
    }

    @AfterEach
    void stopFake() {
        wm.stop();
    }

    private CloudWatchAuditSource follow() {
        return CloudWatchAuditSource.follow(FakeCloudWatch.client(wm), SETTINGS, clock, limiter(), metrics);
    }

    private RequestRateLimiter limiter() {
        return RequestRateLimiter.perSecond(1.0, clock, d -> {
            limiterWaits.add(d);
            clock.advance(d);
            return true;
        });
    }

    private static FakeCloudWatch.Ev ev(String id, long ts, String auditId) {
        return new FakeCloudWatch.Ev(AUDIT_STREAM, ts, ts + 3_000, id, auditLine(auditId));
    }

    @Test
    void followsEveryPageIncludingAnEmptyOneWithATokenKeepingTheQueryUnchanged() throws Exception {
        respondInSequence(wm,
                ok(page("tok-2", ev("e1", T0 - 400_000, "a-1"), ev("e2", T0 - 399_000, "a-2"))),
                ok(page("tok-3")),
                ok(page(null, ev("e3", T0 - 200_000, "a-3"))));
        CloudWatchAuditSource source = follow();
        source.start(Map.of());

        List<SourceRecord<CloudWatchLogEvent>> first = source.poll();
        List<SourceRecord<CloudWatchLogEvent>> second = source.poll();

        assertThat(first).extracting(SourceRecord::id).containsExactly("e1", "e2");
        assertThat(second).extracting(SourceRecord::id).containsExactly("e3", "window-end:" + (T0 - LAG));
        assertThat(second.getLast().payload().kind()).isEqualTo(CloudWatchLogEvent.Kind.WINDOW_END);
        assertThat(first).extracting(SourceRecord::partition).containsOnly(LOG_GROUP);
        assertThat(first).extracting(SourceRecord::position).containsExactly(Long.toString(T0 - 400_000), Long.toString(T0 - 399_000));
        assertThat(second.getLast().position()).isEqualTo(Long.toString(T0 - LAG));

        List<JsonNode> bodies = requests(wm);
        assertThat(bodies).hasSize(3);
        long cursor = T0 - LAG - 300_000;
        for (JsonNode body : bodies) {
            assertThat(body.get("logGroupName").asText()).isEqualTo(LOG_GROUP);
            assertThat(body.get("logStreamNamePrefix").asText()).isEqualTo("kube-apiserver-audit");
            assertThat(body.get("startTime").asLong()).isEqualTo(cursor - OVERLAP);
            assertThat(body.get("endTime").asLong()).isEqualTo(T0 - LAG);
            assertThat(body.has("filterPattern")).isFalse();
        }
        assertThat(bodies.get(0).has("nextToken")).isFalse();
        assertThat(bodies.get(1).get("nextToken").asText()).isEqualTo("tok-2");
        assertThat(bodies.get(2).get("nextToken").asText()).isEqualTo("tok-3");
        assertThat(wm.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/"))).getFirst().getHeader("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/");
        // One request per second at most: the second and third waited for their slot.
        assertThat(limiterWaits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(metrics.registry().find("auditbridge.eks.ingestion_delay.seconds").gauge().value()).isEqualTo(3.0);
    }

    @Test
    void overlapReDeliveryIsSuppressedAndALateEventWithTheSameMillisecondIsKept() throws Exception {
        long sameMs = T0 - 130_000;
        respondInSequence(wm,
                ok(page(null, ev("id-a", sameMs, "a-1"))),
                // The next window re-reads the overlap: id-a again, and id-b, ingested late with the same timestamp.
                ok(page(null, ev("id-a", sameMs, "a-1"),
                        new FakeCloudWatch.Ev(AUDIT_STREAM, sameMs, T0 + 50_000, "id-b", auditLine("a-2")),
                        ev("id-c", T0 - 100_000, "a-3"))));
        CloudWatchAuditSource source = follow();
        source.start(Map.of());
        assertThat(source.poll()).extracting(SourceRecord::id).containsExactly("id-a", "window-end:" + (T0 - LAG));

        clock.advance(Duration.ofSeconds(60));
        List<SourceRecord<CloudWatchLogEvent>> second = source.poll();

        assertThat(second).extracting(SourceRecord::id).containsExactly("id-b", "id-c", "window-end:" + (T0 + 60_000 - LAG));
        // id-b is behind the cursor: its position never moves the cursor back.
        assertThat(second.get(0).position()).isEqualTo(Long.toString(T0 - LAG));
        assertThat(second.get(1).position()).isEqualTo(Long.toString(T0 - 100_000));
        assertThat(metrics.count("auditbridge.eks.events.overlap_duplicates")).isEqualTo(1);
        assertThat(metrics.count("auditbridge.eks.events.behind_cursor")).isEqualTo(1);
        JsonNode secondQuery = requests(wm).get(1);
        assertThat(secondQuery.get("startTime").asLong()).isEqualTo(T0 - LAG - OVERLAP);
        assertThat(secondQuery.get("endTime").asLong()).isEqualTo(T0 + 60_000 - LAG);

        // The window has not advanced by the poll interval yet: no request, nothing to hand on.
        assertThat(source.poll()).isEmpty();
        assertThat(requests(wm)).hasSize(2);
    }

    @Test
    void throttlingAndServerErrorsAreTransientAndTheSamePageIsAskedAgain() throws Exception {
        respondInSequence(wm,
                ok(page("tok-2", ev("e1", T0 - 400_000, "a-1"))),
                throttled(),
                error(503, "ServiceUnavailableException", "try later"),
                ok(page(null, ev("e2", T0 - 300_000, "a-2"))));
        CloudWatchAuditSource source = follow();
        source.start(Map.of());

        assertThat(source.poll()).extracting(SourceRecord::id).containsExactly("e1");
        assertThatThrownBy(source::poll).isInstanceOf(TransientSourceException.class)
                .hasMessageContaining("ThrottlingException").hasMessageContaining("HTTP 400");
        assertThat(source.isReady()).isFalse();
        assertThatThrownBy(source::poll).isInstanceOf(TransientSourceException.class).hasMessageContaining("HTTP 503");
        assertThat(source.poll()).extracting(SourceRecord::id).containsExactly("e2", "window-end:" + (T0 - LAG));
        assertThat(source.isReady()).isTrue();

        List<JsonNode> bodies = requests(wm);
        assertThat(bodies).hasSize(4);
        assertThat(bodies.get(1)).isEqualTo(bodies.get(2)).isEqualTo(bodies.get(3));
        assertThat(bodies.get(3).get("nextToken").asText()).isEqualTo("tok-2");
    }

    @Test
    void accessDeniedAndAMissingLogGroupAreNotReadyUntilAPersonFixesThemAndOtherRefusalsAreFatal() throws Exception {
        respondInSequence(wm, error(400, "AccessDeniedException", "User is not authorized to perform: logs:FilterLogEvents"),
                error(400, "ResourceNotFoundException", "The specified log group does not exist."),
                error(400, "InvalidParameterException", "1 validation error detected: Value at 'filterPattern'"));
        CloudWatchAuditSource source = follow();
        source.start(Map.of());

        // The same contract as GKE's PERMISSION_DENIED: keep polling, /readyz names the problem, never exit.
        assertThatThrownBy(source::poll).isInstanceOf(SourceNotReadyException.class)
                .hasMessageContaining("AccessDeniedException").hasMessageContaining("logs:FilterLogEvents on the log group");
        assertThat(source.isReady()).isFalse();
        assertThatThrownBy(source::poll).isInstanceOf(SourceNotReadyException.class)
                .hasMessageContaining("ResourceNotFoundException").hasMessageContaining("audit logging enabled");
        assertThatThrownBy(source::poll).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("InvalidParameterException");
    }

    @Test
    void restartResumesFromTheCommittedCursorLessTheOverlap() throws Exception {
        long committed = T0 - 3_600_000;
        // The overlap before the cursor is read again after a restart (the at-least-once window), not counted as late.
        respondInSequence(wm, ok(page(null, ev("e0", committed - 1_000, "a-0"))));
        CloudWatchAuditSource source = follow();
        source.start(Map.of(LOG_GROUP, Long.toString(committed)));

        assertThat(source.poll()).extracting(SourceRecord::position).containsExactly(Long.toString(committed), Long.toString(T0 - LAG));
        assertThat(metrics.count("auditbridge.eks.events.behind_cursor")).isZero();

        JsonNode body = requests(wm).getFirst();
        assertThat(body.get("startTime").asLong()).isEqualTo(committed - OVERLAP);
        assertThat(body.get("endTime").asLong()).isEqualTo(T0 - LAG);
        assertThat(source.cursor()).isEqualTo(T0 - LAG);

        CloudWatchAuditSource broken = follow();
        assertThatThrownBy(() -> broken.start(Map.of(LOG_GROUP, "yesterday")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not epoch milliseconds");
    }

    @Test
    void backfillReadsItsRangeOnceBacksOffOnThrottlingAndDeliversEverything(@TempDir Path tmp) throws Exception {
        Instant since = Instant.ofEpochMilli(T0 - 7_200_000);
        Instant until = Instant.ofEpochMilli(T0 - 3_600_000);
        respondInSequence(wm, throttled(), throttled(),
                ok(page("tok-2", ev("e1", since.toEpochMilli(), "a-1"), ev("e2", since.toEpochMilli() + 5, "a-2"))),
                ok(page(null, ev("e3", until.toEpochMilli() - 1, "a-3"))));
        CollectingSink sink = new CollectingSink();
        MemoryCheckpointStore checkpoints = new MemoryCheckpointStore();
        Pipeline<CloudWatchLogEvent> pipeline = Pipeline.builder("eks", new EksAuditTranslator("prod-eks-01"), sink)
                .metrics(metrics).checkpoints(checkpoints).deadLetters(new DeadLetterFile(tmp.resolve("dl.ndjson"), Clock.systemUTC()))
                .build();
        CloudWatchAuditSource source = CloudWatchAuditSource.backfill(FakeCloudWatch.client(wm), SETTINGS, clock, limiter(),
                metrics, since, until);
        List<Duration> backoffs = new ArrayList<>();
        Sleeper runnerSleeper = d -> {
            backoffs.add(d);
            clock.advance(d);
            return true;
        };
        SourceRunner<CloudWatchLogEvent> runner = new SourceRunner<>(source, pipeline, Duration.ofSeconds(30),
                RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofMinutes(2)).random(() -> 0.5).build(),
                runnerSleeper, clock);

        boolean delivered = runner.run(Duration.ofSeconds(30));
        pipeline.close();

        assertThat(delivered).isTrue();
        assertThat(sink.auditIds()).containsExactly("a-1", "a-2", "a-3");
        // Exponential backoff with (fixed) jitter between the throttled attempts, then no more waiting.
        assertThat(backoffs).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
        assertThat(metrics.count("auditbridge.source.transient_errors")).isEqualTo(2);
        List<JsonNode> bodies = requests(wm);
        assertThat(bodies).hasSize(4);
        assertThat(bodies.get(0)).isEqualTo(bodies.get(1)).isEqualTo(bodies.get(2));
        assertThat(bodies.get(0).get("startTime").asLong()).isEqualTo(since.toEpochMilli());
        assertThat(bodies.get(0).get("endTime").asLong()).isEqualTo(until.toEpochMilli() - 1);
        assertThat(bodies.get(3).get("nextToken").asText()).isEqualTo("tok-2");
    }
}
