package io.auditbridge.gke;

import io.auditbridge.core.testing.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.logging.v2.ListLogEntriesRequest;
import com.google.logging.v2.LogEntry;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.SourceNotReadyException;
import io.auditbridge.core.TransientSourceException;
import io.auditbridge.core.ops.PipelineMetrics;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The poller with the real gapic LoggingClient against a loopback Cloud Logging. */
class CloudLoggingSourceTest {
    static final Instant T0 = Instant.parse("2026-11-30T02:00:00Z");
    static final Duration LAG = Duration.ofSeconds(30);
    static final Duration OVERLAP = Duration.ofSeconds(15);
    static final Duration POLL = Duration.ofSeconds(5);

    private FakeCloudLogging fake;
    private final ManualClock clock = new ManualClock(T0);
    private final PipelineMetrics metrics = PipelineMetrics.inMemory("gke");
    private final List<CloudLoggingSource> sources = new ArrayList<>();

    @BeforeEach
    void startFake() throws Exception {
        fake = new FakeCloudLogging();
    }

    @AfterEach
    void stop() throws Exception {
        for (CloudLoggingSource s : sources) {
            s.close();
        }
        fake.close();
    }

    static CloudLoggingOptions loopback(FakeCloudLogging fake) {
        CloudLoggingOptions o = new CloudLoggingOptions();
        o.endpoint = fake.endpoint();
        o.plaintext = true;
        o.requestTimeout = Duration.ofSeconds(20);
        return o;
    }

    private CloudLoggingSource source(AuditLogFilter filter, int pageSize, int readsPerMinute, Map<String, String> committed) {
        CloudLoggingSource s = new CloudLoggingSource(loopback(fake).client(), filter,
                new CloudLoggingSource.Settings(LAG, OVERLAP, POLL, pageSize, readsPerMinute, null, null), clock, metrics);
        sources.add(s);
        s.start(committed);
        return s;
    }

    private CloudLoggingSource source(int pageSize, int readsPerMinute) {
        return source(new AuditLogFilter("demo-project", false, List.of(), List.of(), null), pageSize, readsPerMinute, Map.of());
    }

    private static List<String> ids(List<SourceRecord<LogEntry>> records) {
        return records.stream().map(SourceRecord::id).toList();
    }

    private static Instant at(String hhmmss) {
        return Instant.parse("2026-11-30T" + hhmmss + "Z");
    }

    @Test
    void sendsTheExactFilterWithExplicitTimestampBoundsOldestFirstInPagesOf1000() throws Exception {
        AuditLogFilter filter = new AuditLogFilter("demo-project", true, List.of("prod-1", "prod-2"), List.of("europe-west1"),
                "NOT protoPayload.methodName=\"io.k8s.coordination.v1.leases.update\"");
        source(filter, 1000, 60, Map.of()).poll();

        ListLogEntriesRequest req = fake.requests().getFirst();
        assertThat(req.getFilter()).isEqualTo(
                "logName=(\"projects/demo-project/logs/cloudaudit.googleapis.com%2Factivity\" OR "
                        + "\"projects/demo-project/logs/cloudaudit.googleapis.com%2Fdata_access\")"
                        + " AND resource.type=\"k8s_cluster\" AND protoPayload.serviceName=\"k8s.io\""
                        + " AND resource.labels.cluster_name=(\"prod-1\" OR \"prod-2\")"
                        + " AND resource.labels.location=\"europe-west1\""
                        + " AND (NOT protoPayload.methodName=\"io.k8s.coordination.v1.leases.update\")"
                        + " AND timestamp>=\"2026-11-30T01:59:15Z\" AND timestamp<=\"2026-11-30T01:59:30Z\"");
        assertThat(req.getResourceNamesList()).containsExactly("projects/demo-project");
        assertThat(req.getOrderBy()).isEqualTo("timestamp asc");
        assertThat(req.getPageSize()).isEqualTo(1000);
        assertThat(req.getPageToken()).isEmpty();
    }

    @Test
    void activityOnlyFilterForOneCluster() {
        assertThat(new AuditLogFilter("p", false, List.of("c"), List.of(), " ").between(at("01:00:00"), at("01:00:30.5")))
                .isEqualTo("logName=\"projects/p/logs/cloudaudit.googleapis.com%2Factivity\" AND resource.type=\"k8s_cluster\""
                        + " AND protoPayload.serviceName=\"k8s.io\" AND resource.labels.cluster_name=\"c\""
                        + " AND timestamp>=\"2026-11-30T01:00:00Z\" AND timestamp<=\"2026-11-30T01:00:30.500Z\"");
    }

    @Test
    void followsPageTokensOnePagePerPollWithinOneWindow() throws Exception {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            entries.add(FakeCloudLogging.auditEntry(String.format("id-%05d", i), at("01:59:16").plusMillis(i)));
        }
        fake.ingest(entries.toArray(LogEntry[]::new));
        CloudLoggingSource s = source(1000, 60);

        List<String> got = new ArrayList<>();
        got.addAll(ids(s.poll()));
        got.addAll(ids(s.poll()));
        got.addAll(ids(s.poll()));
        assertThat(s.poll()).as("window done, next one not due before the poll interval").isEmpty();

        assertThat(got).hasSize(2500).isEqualTo(entries.stream().map(LogEntry::getInsertId).toList());
        List<ListLogEntriesRequest> reqs = fake.requests();
        assertThat(reqs).extracting(ListLogEntriesRequest::getPageToken).containsExactly("", "page-1000", "page-2000");
        assertThat(reqs).extracting(ListLogEntriesRequest::getFilter).containsOnly(reqs.getFirst().getFilter());
    }

    @Test
    void overlapReReadsAreSkippedAndLateEntriesInTheOverlapAreKept() throws Exception {
        fake.ingest(FakeCloudLogging.auditEntry("e1", at("01:59:20")), FakeCloudLogging.auditEntry("e2", at("01:59:25")));
        CloudLoggingSource s = source(1000, 60);
        assertThat(ids(s.poll())).containsExactly("e1", "e2");

        // e3 was ingested late (its timestamp is before the cursor); e4 is new.
        fake.ingest(FakeCloudLogging.auditEntry("e3", at("01:59:22")), FakeCloudLogging.auditEntry("e4", at("01:59:33")));
        clock.advance(POLL);
        List<SourceRecord<LogEntry>> second = s.poll();

        assertThat(fake.requests().get(1).getFilter()).endsWith("timestamp>=\"2026-11-30T01:59:15Z\" AND timestamp<=\"2026-11-30T01:59:35Z\"");
        assertThat(ids(second)).containsExactly("e3", "e4");
        assertThat(metrics.count("auditbridge.gke.duplicates")).isEqualTo(2);
        assertThat(metrics.count("auditbridge.gke.behind_cursor")).as("e3, as EKS counts its late events").isEqualTo(1);
        assertThat(Cursor.decode(second.get(0).position())).isEqualTo(new Cursor(at("01:59:25"), java.util.Set.of("e2")));
        assertThat(Cursor.decode(second.get(1).position())).isEqualTo(new Cursor(at("01:59:33"), java.util.Set.of("e4")));
    }

    @Test
    void entriesSharingATimestampAcrossPollsAreNotLost() throws Exception {
        Instant t = at("01:59:29.123456789");
        fake.ingest(FakeCloudLogging.auditEntry("a", t), FakeCloudLogging.auditEntry("b", t));
        CloudLoggingSource s = source(1000, 60);
        List<SourceRecord<LogEntry>> first = s.poll();
        assertThat(ids(first)).containsExactly("a", "b");
        assertThat(first.get(1).position()).isEqualTo("{\"timestamp\":\"2026-11-30T01:59:29.123456789Z\",\"insertIds\":[\"a\",\"b\"]}");

        // A third entry with the very same timestamp shows up later; it sorts before the others.
        fake.ingest(FakeCloudLogging.auditEntry("0-late", t));
        clock.advance(POLL);
        List<SourceRecord<LogEntry>> second = s.poll();
        assertThat(ids(second)).containsExactly("0-late");
        assertThat(Cursor.decode(second.getFirst().position()).insertIds()).containsExactlyInAnyOrder("0-late", "a", "b");
    }

    @Test
    void restartResumesFromTheCommittedCursorHoweverLongTheOutage() throws Exception {
        Instant t = at("01:59:29");
        fake.ingest(FakeCloudLogging.auditEntry("a", t), FakeCloudLogging.auditEntry("b", t));
        String committed = source(1000, 60).poll().getLast().position();

        // Down for three days. Meanwhile: one more entry at the cursor's timestamp and 1500 after it.
        fake.ingest(FakeCloudLogging.auditEntry("c", t));
        List<String> later = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            Instant ts = at("02:00:00").plus(Duration.ofMinutes(2L * i));
            fake.ingest(FakeCloudLogging.auditEntry("later-" + i, ts));
            later.add("later-" + i);
        }
        clock.advance(Duration.ofDays(3));
        int before = fake.requests().size();
        CloudLoggingSource restarted = source(new AuditLogFilter("demo-project", false, List.of(), List.of(), null), 1000, 60,
                Map.of("projects/demo-project", committed));

        List<String> got = new ArrayList<>(ids(restarted.poll()));
        got.addAll(ids(restarted.poll()));

        assertThat(fake.requests().get(before).getFilter())
                .endsWith("timestamp>=\"2026-11-30T01:59:14Z\" AND timestamp<=\"2026-12-03T01:59:30Z\"");
        List<String> expected = new ArrayList<>(List.of("c"));
        expected.addAll(later);
        assertThat(got).as("a and b were committed; c shares their timestamp but was not").isEqualTo(expected);
        assertThat(restarted.rememberedKeys()).as("dedupe keys older than cursor − overlap are dropped").isLessThanOrEqualTo(2);
    }

    @Test
    void aWindowRestartedAfterARefusedPageTokenStartsWhereDedupeStillReaches() throws Exception {
        for (int i = 0; i < 6; i++) {
            fake.ingest(FakeCloudLogging.auditEntry("w" + i, at("01:00:00").plusSeconds(60L * i)));
        }
        String committed = new Cursor(at("00:59:00"), java.util.Set.of()).encode();
        CloudLoggingSource s = source(new AuditLogFilter("demo-project", false, List.of(), List.of(), null), 2, 60,
                Map.of("projects/demo-project", committed));
        List<String> got = new ArrayList<>(ids(s.poll()));
        fake.failNext(1, Status.INVALID_ARGUMENT.withDescription("page token expired"));
        assertThatThrownBy(s::poll).isInstanceOf(TransientSourceException.class);
        clock.advance(POLL);
        List<SourceRecord<LogEntry>> page;
        while (!(page = s.poll()).isEmpty()) {
            got.addAll(ids(page));
        }

        assertThat(got).containsExactly("w0", "w1", "w2", "w3", "w4", "w5");
        assertThat(fake.requests().get(2).getFilter()).contains("timestamp>=\"2026-11-30T01:00:45Z\"");
    }

    @Test
    void backfillReadsAgainFromTheCursorWhenAPageTokenIsRefused() throws Exception {
        for (int i = 0; i < 5; i++) {
            fake.ingest(FakeCloudLogging.auditEntry("b" + i, at("01:00:00").plusSeconds(i)));
        }
        CloudLoggingSource s = new CloudLoggingSource(loopback(fake).client(),
                new AuditLogFilter("demo-project", false, List.of(), List.of(), null),
                new CloudLoggingSource.Settings(Duration.ZERO, Duration.ZERO, POLL, 2, 60, at("00:00:00"), at("02:00:00")), clock, metrics);
        sources.add(s);
        s.start(Map.of());
        List<String> got = new ArrayList<>(ids(s.poll()));
        fake.failNext(1, Status.INVALID_ARGUMENT.withDescription("page token expired"));
        assertThatThrownBy(s::poll).isInstanceOf(TransientSourceException.class).hasMessageContaining("page token refused");

        List<SourceRecord<LogEntry>> page;
        while ((page = s.poll()) != null) {
            got.addAll(ids(page));
        }

        assertThat(got).containsExactly("b0", "b1", "b2", "b3", "b4");
        assertThat(fake.requests().get(2).getFilter()).endsWith("timestamp>=\"2026-11-30T01:00:01Z\" AND timestamp<\"2026-11-30T02:00:00Z\"");
        assertThat(fake.requests().get(2).getPageToken()).isEmpty();
        assertThat(metrics.count("auditbridge.gke.duplicates")).isEqualTo(1);
    }

    @Test
    void resourceExhaustedIsTransientCountedAndTheSamePageIsAskedAgain() throws Exception {
        for (int i = 0; i < 3; i++) {
            fake.ingest(FakeCloudLogging.auditEntry("q" + i, at("01:59:20").plusSeconds(i)));
        }
        CloudLoggingSource s = source(2, 60);
        assertThat(ids(s.poll())).containsExactly("q0", "q1");
        fake.failNext(1, Status.RESOURCE_EXHAUSTED.withDescription(
                "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' (ReadRequestsPerMinutePerProject)"));

        assertThatThrownBy(s::poll).isInstanceOf(TransientSourceException.class)
                .hasMessageContaining("RESOURCE_EXHAUSTED").hasMessageContaining("ReadRequestsPerMinutePerProject");
        assertThat(s.isReady()).isFalse();
        assertThat(metrics.count("auditbridge.gke.throttled")).isEqualTo(1);

        assertThat(ids(s.poll())).containsExactly("q2");
        assertThat(s.isReady()).isTrue();
        List<ListLogEntriesRequest> reqs = fake.requests();
        assertThat(reqs).hasSize(3);
        assertThat(reqs.get(2)).as("the refused request, sent again").isEqualTo(reqs.get(1));
    }

    @Test
    void unavailableIsTransientAndNotRetriedBehindOurBack() throws Exception {
        CloudLoggingSource s = source(1000, 60);
        fake.failNext(1, Status.UNAVAILABLE);
        assertThatThrownBy(s::poll).isInstanceOf(TransientSourceException.class).hasMessageContaining("UNAVAILABLE");
        assertThat(fake.requests()).hasSize(1);
        assertThat(metrics.count("auditbridge.gke.throttled")).isZero();
    }

    @Test
    void permissionDeniedIsNotReadyUntilAPersonGrantsTheRoleAndTheWindowIsReadAgain() throws Exception {
        fake.ingest(FakeCloudLogging.auditEntry("p0", at("01:59:20")));
        CloudLoggingSource s = source(1000, 60);
        fake.failNext(1, Status.PERMISSION_DENIED.withDescription("Permission 'logging.logEntries.list' denied on resource"));

        // The same contract as EKS's AccessDeniedException: keep polling, /readyz names the problem, never exit.
        assertThatThrownBy(s::poll).isInstanceOf(SourceNotReadyException.class)
                .hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("roles/logging.viewer");
        assertThat(s.isReady()).isFalse();

        clock.advance(POLL);
        assertThat(ids(s.poll())).as("the refused window, read again").containsExactly("p0");
        assertThat(s.isReady()).isTrue();
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void readBudgetHoldsRequestsUntilTheMinuteHasPassed() throws Exception {
        for (int i = 0; i < 3; i++) {
            fake.ingest(FakeCloudLogging.auditEntry("r" + i, at("01:59:20").plusSeconds(i)));
        }
        CloudLoggingSource s = source(1, 2);
        assertThat(ids(s.poll())).containsExactly("r0");
        assertThat(ids(s.poll())).containsExactly("r1");
        assertThat(s.poll()).isEmpty();
        assertThat(fake.requests()).hasSize(2);
        assertThat(metrics.count("auditbridge.gke.read_budget_waits")).isEqualTo(1);

        clock.advance(Duration.ofMinutes(1));
        assertThat(ids(s.poll())).containsExactly("r2");
    }

    @Test
    void aCorruptCommittedPositionIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> source(new AuditLogFilter("demo-project", false, List.of(), List.of(), null), 1000, 60,
                Map.of("projects/demo-project", "garbage-token-xyz")))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("garbage-token-xyz");
    }
}
