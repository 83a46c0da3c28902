package io.auditbridge.eks;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.AckSink;
import io.auditbridge.core.testing.HostileSuite;
import io.auditbridge.core.testing.MalformedRequests;
import io.auditbridge.core.testing.ReceiverProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Firehose HTTP endpoint receiver ({@code run --source firehose}) against hostile clients, as the Deployment
 * runs it: a separate JVM of {@link EksBridge} with {@code -Xmx} = 75 % of the chart's memory limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientsFirehoseTest {
    static final Path CHART_VALUES = Path.of("../deploy/helm/auditbridge/values.yaml");
    static final String KEY = "fh-hostile-3b7e";
    static final String PATH = "/firehose";

    AckSink sink;
    ReceiverProcess process;
    int port;
    int metricsPort;
    final AtomicInteger good = new AtomicInteger();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        sink = new AckSink();
        Path key = Files.writeString(dir.resolve("key"), KEY);
        port = ReceiverProcess.freePort();
        metricsPort = ReceiverProcess.freePort();
        process = ReceiverProcess.start(EksBridge.class.getName(), List.of("run", "--source", "firehose",
                        "--firehose-access-key-file", key.toString(), "--listen-host", "127.0.0.1",
                        "--listen-port", Integer.toString(port), "--path", PATH, "--sink", sink.url(),
                        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metricsPort),
                        "--request-timeout", "3s", "--dead-letter-file", dir.resolve("dl.ndjson").toString()),
                ReceiverProcess.deploymentHeap(CHART_VALUES), List.of("-Dsun.net.httpserver.maxReqTime=10", "-Dsun.net.httpserver.maxRspTime=10"), Map.of(), port,
                dir.resolve("receiver.log"));
    }

    @AfterAll
    void stop() throws Exception {
        if (process != null) {
            process.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    private static byte[] body(String requestId, String... payloads) {
        StringBuilder records = new StringBuilder();
        for (String p : payloads) {
            records.append(records.isEmpty() ? "" : ",").append("{\"data\":\"").append(AuditFixtures.base64Gzip(p)).append("\"}");
        }
        return ("{\"requestId\":\"" + requestId + "\",\"timestamp\":1796000405000,\"records\":[" + records + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String payload(String prefix, int n) {
        String[][] events = new String[n][];
        for (int i = 0; i < n; i++) {
            String id = String.format("%s-0000-4000-8000-%012d", prefix, i);
            events[i] = new String[] {"3796000400000000" + i, AuditFixtures.auditLine(id)};
        }
        return AuditFixtures.dataMessage(AuditFixtures.AUDIT_STREAM, events);
    }

    private static Map<String, String> headers() {
        return Map.of("X-Amz-Firehose-Access-Key", KEY, "Content-Type", "application/json");
    }

    private int goodRequest() {
        int n = good.incrementAndGet();
        return HostileSuite.post("http://127.0.0.1:" + port + PATH, headers(),
                body("good-" + n, payload(String.format("%08d", n), 2)));
    }

    @Test
    void everyMalformedClassGetsA4xxOrTheDocumented503AndTheProcessStaysUp() throws Exception {
        MalformedRequests.Target target = new MalformedRequests.Target(PATH, headers(), body("target", payload("aaaaaaaa", 2)),
                List.of("X-Amz-Firehose-Access-Key"), 10L * 1024 * 1024);
        HostileSuite.run("eks firehose receiver", process, port, target, HostileSuite.PER_CLASS, this::goodRequest, 200,
                Duration.ofSeconds(30));
        List<String> rejected = HostileSuite.rejectedMetrics(HostileSuite.get("http://127.0.0.1:" + metricsPort + "/metrics").body());
        System.out.println("firehose rejections by reason:\n  " + String.join("\n  ", rejected));
        assertThat(rejected).anyMatch(l -> l.contains("reason=\"too_large\"")).anyMatch(l -> l.contains("reason=\"unauthorized\""))
                .anyMatch(l -> l.contains("reason=\"malformed\""));
        assertThat(HostileSuite.get("http://127.0.0.1:" + metricsPort + "/healthz").statusCode()).isEqualTo(200);
    }

    /** Issue 12's case: one record whose data is 60 MiB of tiny logEvents (a few hundred KB of gzip). */
    @Test
    void aRecordOfSixtyMiBOfTinyLogEventsIsRefusedWithoutRunningOutOfMemory() throws Exception {
        StringBuilder p = new StringBuilder(61 * 1024 * 1024).append("{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"1\",")
                .append("\"logGroup\":\"/aws/eks/x/cluster\",\"logStream\":\"kube-apiserver-audit-1\",\"logEvents\":[");
        int i = 0;
        while (p.length() < 60 * 1024 * 1024) {
            p.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i++).append("\",\"timestamp\":1,\"message\":\"\"}");
        }
        p.append("]}");
        byte[] request = body("bomb", p.toString());
        System.out.printf("60 MiB of %d logEvents: Firehose request of %d bytes%n", i, request.length);
        List<Integer> codes = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                answers.add(pool.submit(() -> HostileSuite.post("http://127.0.0.1:" + port + PATH, headers(), request)));
            }
            for (Future<Integer> f : answers) {
                codes.add(f.get(120, TimeUnit.SECONDS));
            }
        }
        System.out.println("60 MiB logEvents x8 concurrently: " + codes + " alive=" + process.isAlive());
        assertThat(codes).allMatch(c -> c == 413 || c == 503).contains(413);
        assertThat(process.isAlive()).isTrue();
        assertThat(goodRequest()).isEqualTo(200);
    }

    /**
     * Issue 15: the receiver at its maximum concurrency (64) with requests that together want far more than its
     * request budget (each about 5 MiB decoded: 8 subscription payloads of 450 Events), under the chart's heap: every
     * request is answered (200, or 503 that Firehose retries within its 300 s default retry duration), every event
     * reaches the webhook, and the process stays inside the container's memory limit.
     */
    @Test
    void maximumConcurrencyOverTheRequestBudgetIsAnsweredAndNothingIsLost() throws Exception {
        int clients = 64;
        int recordsPerRequest = 8;
        int eventsPerRecord = 450;
        Set<String> expected = new HashSet<>();
        List<byte[]> bodies = new ArrayList<>();
        long decoded = 0;
        for (int c = 0; c < clients; c++) {
            String[] payloads = new String[recordsPerRequest];
            for (int r = 0; r < recordsPerRequest; r++) {
                String[][] events = new String[eventsPerRecord][];
                for (int e = 0; e < eventsPerRecord; e++) {
                    String id = String.format("%08x-0000-4000-8000-%04x%08x", 0x66000000 + c, r, e);
                    expected.add(id + "/ResponseComplete");
                    events[e] = new String[] {Long.toString(37_960_004_000_000L + e), paddedAuditLine(id)};
                }
                payloads[r] = AuditFixtures.dataMessage(AuditFixtures.AUDIT_STREAM, events);
                decoded += payloads[r].length();
            }
            bodies.add(body("max-" + c, payloads));
        }
        System.out.printf("64 Firehose requests of %d KiB on the wire, %d KiB decoded each%n",
                bodies.get(0).length / 1024, decoded / clients / 1024);
        long memoryLimit = ReceiverProcess.deploymentMemoryLimit(CHART_VALUES);
        AtomicInteger retries = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (byte[] body : bodies) {
                answers.add(pool.submit(() -> {
                    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(300); // Firehose's default retry duration
                    int code;
                    while ((code = HostileSuite.post("http://127.0.0.1:" + port + PATH, headers(), body)) == 503 || code == -1) {
                        if (System.nanoTime() > giveUp) {
                            return code;
                        }
                        retries.incrementAndGet(); // Firehose retries a 503 or a broken connection
                        Thread.sleep(250);
                    }
                    return code;
                }));
            }
            for (Future<Integer> f : answers) {
                assertThat(f.get(10, TimeUnit.MINUTES)).isEqualTo(200);
            }
        }
        System.out.printf("64 x 5 MiB decoded: all 200 after %d retries; peak RSS %d MiB of a %d MiB limit%n",
                retries.get(), process.peakRss() / (1024 * 1024), memoryLimit / (1024 * 1024));
        Set<String> missing = new HashSet<>(expected); // a set difference: AssertJ's containsAll is quadratic
        missing.removeAll(sink.keys());
        assertThat(missing).as("events the webhook never received").isEmpty();
        assertThat(process.isAlive()).isTrue();
        assertThat(process.peakRss()).isLessThan(memoryLimit);
    }

    /** An audit Event of about 1 KB: the fixture line with a request URI and user agent of realistic length. */
    private static String paddedAuditLine(String id) {
        return AuditFixtures.auditLine(id).replace("\"userAgent\":\"kubectl/v1.31.0\"",
                "\"userAgent\":\"kubectl/v1.31.0 (linux/amd64) kubernetes/4c94112 " + id + " " + "x".repeat(500) + "\"");
    }
}
