package io.auditbridge.eks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.auditbridge.eks.AuditFixtures.AUDIT_STREAM;
import static io.auditbridge.eks.AuditFixtures.LOG_GROUP;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.TransientSourceException;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 24 h backfill is one query window: the source-side eventId dedupe must keep only the ids the next window's
 * overlap can read again, not every id of the day.
 */
class OverlapDedupeBoundTest {
    private static final long T0 = 1796000700000L;
    private static final Duration OVERLAP = Duration.ofMinutes(2);
    private static final int EVENTS = 10_000;
    private static final long DAY = 86_400_000L;

    private final LogGroupFake logGroup = new LogGroupFake(2_000);
    private final WireMockServer cloudWatch = new WireMockServer(options().dynamicPort().extensions(logGroup));
    private final ManualClock clock = new ManualClock(T0 + DAY + 3_600_000);

    @BeforeEach
    void start() {
        cloudWatch.start();
        cloudWatch.stubFor(post("/").withHeader("X-Amz-Target", equalTo(FakeCloudWatch.TARGET)).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stop() {
        cloudWatch.stop();
    }

    @Test
    void aDayLongBackfillKeepsOnlyTheIdsOfItsLastOverlap() throws Exception {
        long step = DAY / EVENTS;
        for (int i = 0; i < EVENTS; i++) {
            long ts = T0 + i * step;
            logGroup.ingest(new FakeCloudWatch.Ev(AUDIT_STREAM, ts, ts + 1_000, "ev-" + i, "{}"));
        }
        CloudWatchAuditSource.Settings settings = new CloudWatchAuditSource.Settings(LOG_GROUP, "kube-apiserver-audit",
                null, Duration.ofMinutes(2), OVERLAP, Duration.ofSeconds(30), Duration.ofMinutes(5));
        CloudWatchAuditSource source = CloudWatchAuditSource.backfill(FakeCloudWatch.client(cloudWatch), settings, clock,
                io.auditbridge.core.poll.RequestRateLimiter.perSecond(5.0, clock, d -> { clock.advance(d); return true; }), PipelineMetrics.inMemory("eks"),
                Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + DAY));
        source.start(Map.of());
        Set<String> ids = new HashSet<>();
        int maxRemembered = 0;
        List<SourceRecord<CloudWatchLogEvent>> batch;
        while ((batch = poll(source)) != null) {
            for (SourceRecord<CloudWatchLogEvent> r : batch) {
                if (r.id().startsWith("ev-")) {
                    assertThat(ids.add(r.id())).as("read once: %s", r.id()).isTrue();
                }
            }
            maxRemembered = Math.max(maxRemembered, source.dedupeSize());
        }
        assertThat(ids).hasSize(EVENTS);
        long inLastOverlap = OVERLAP.toMillis() / step + 1;
        // Before: every id of the day (10,000); now only those of the last two minutes.
        assertThat(maxRemembered).isLessThanOrEqualTo((int) inLastOverlap);
    }

    private static List<SourceRecord<CloudWatchLogEvent>> poll(CloudWatchAuditSource source) throws Exception {
        while (true) {
            try {
                return source.poll();
            } catch (TransientSourceException e) {
                // the runner would back off
            }
        }
    }
}
