package io.auditbridge.openshift;

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
 * The OpenShift receiver and its metrics port against hostile clients, as the Deployment runs it: a separate
 * JVM of {@link OpenShiftBridge} with {@code -Xmx} = 75 % of the manifest's memory limit, delivering to a
 * loopback webhook.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientsTest {
    /** The Helm chart every Deployment comes from: resources.limits.memory, and -XX:MaxRAMPercentage=75 in the template. */
    static final Path DEPLOYMENT = Path.of("../deploy/helm/auditbridge/values.yaml");
    static final String TOKEN = "clf-token-7f3a9c";

    Path dir;

    AckSink sink;
    ReceiverProcess process;
    int port;
    int metricsPort;
    long memoryLimit;
    final AtomicInteger goodRequests = new AtomicInteger();

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        sink = new AckSink();
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        port = ReceiverProcess.freePort();
        metricsPort = ReceiverProcess.freePort();
        memoryLimit = ReceiverProcess.deploymentMemoryLimit(DEPLOYMENT);
        process = ReceiverProcess.start(OpenShiftBridge.class.getName(), List.of("run", "--listen-host", "127.0.0.1",
                        "--listen-port", Integer.toString(port), "--auth-token-file", token.toString(), "--sink", sink.url(),
                        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metricsPort),
                        "--request-timeout", "4s", "--dead-letter-file", dir.resolve("dl.ndjson").toString()),
                ReceiverProcess.deploymentHeap(DEPLOYMENT),
                // The JDK closes a request whose headers and body take longer than this (default 35 s; shorter here
                // so the unfinished-header class finishes quickly), well after the receiver's own 4 s timeout.
                List.of("-Dsun.net.httpserver.maxReqTime=10", "-Dsun.net.httpserver.maxRspTime=10"), Map.of(), port, dir.resolve("receiver.log"));
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

    private int goodRequest() {
        int n = goodRequests.incrementAndGet();
        return HostileSuite.post("http://127.0.0.1:" + port + OpenShiftReceiver.DEFAULT_PATH,
                Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"),
                LoadBodies.request(90_000, n, 3));
    }

    private MalformedRequests.Target target() {
        return new MalformedRequests.Target(OpenShiftReceiver.DEFAULT_PATH,
                Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"),
                LoadBodies.request(80_000, 1, 2), List.of("Authorization"), 10L * 1024 * 1024);
    }

    @Test
    void everyMalformedClassOnTheReceiverGetsA4xxOrTheDocumented503AndTheProcessStaysUp() throws Exception {
        HostileSuite.run("openshift receiver", process, port, target(), HostileSuite.PER_CLASS, this::goodRequest, 200,
                Duration.ofSeconds(30));
        String scrape = HostileSuite.get("http://127.0.0.1:" + metricsPort + "/metrics").body();
        List<String> rejected = HostileSuite.rejectedMetrics(scrape);
        System.out.println("openshift receiver rejections by reason:\n  " + String.join("\n  ", rejected));
        assertThat(rejected).anyMatch(l -> l.contains("reason=\"too_large\"")).anyMatch(l -> l.contains("reason=\"malformed\""))
                .anyMatch(l -> l.contains("reason=\"unauthorized\"")).anyMatch(l -> l.contains("reason=\"unsupported_media_type\""))
                .anyMatch(l -> l.contains("reason=\"timeout\""));
        assertThat(HostileSuite.get("http://127.0.0.1:" + metricsPort + "/healthz").statusCode()).isEqualTo(200);
        assertThat(process.peakRss()).as("peak RSS within the container limit").isLessThan(memoryLimit);
    }

    @Test
    void everyMalformedClassOnTheMetricsPortIsRefusedAndProbesStillAnswer() throws Exception {
        MalformedRequests.Target ops = new MalformedRequests.Target("/metrics", Map.of("Content-Type", "application/json"),
                LoadBodies.request(70_000, 1, 2), List.of(), 10L * 1024 * 1024);
        HostileSuite.runOnPortRefusingBodies("openshift metrics port", process, metricsPort, ops, HostileSuite.PER_CLASS, () -> {
            try {
                return HostileSuite.get("http://127.0.0.1:" + metricsPort + "/healthz").statusCode();
            } catch (Exception e) {
                return -1;
            }
        }, 200, Duration.ofSeconds(30));
        String scrape = HostileSuite.get("http://127.0.0.1:" + metricsPort + "/metrics").body();
        List<String> rejected = HostileSuite.rejectedMetrics(scrape);
        System.out.println("metrics port rejections by reason:\n  " + String.join("\n  ", rejected));
        assertThat(rejected).anyMatch(l -> l.startsWith("auditbridge_ops_requests_rejected_total{reason=\"method\"}"));
    }

    /** Issue 12's case: 15 KB of gzip that is 15 MiB of [{},{},…] — millions of tree nodes — at the shipped heap. */
    @Test
    void fifteenMiBOfEmptyObjectsInFifteenKilobytesIsRefusedWithoutRunningOutOfMemory() throws Exception {
        StringBuilder sb = new StringBuilder(15 * 1024 * 1024 + 8).append('[');
        while (sb.length() < 15 * 1024 * 1024) {
            sb.append("{},");
        }
        sb.append("{}]");
        byte[] gz = MalformedRequests.gzip(sb.toString().getBytes(StandardCharsets.US_ASCII));
        assertThat(gz.length).isLessThan(64 * 1024);
        List<Integer> codes = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                answers.add(pool.submit(() -> HostileSuite.post("http://127.0.0.1:" + port + OpenShiftReceiver.DEFAULT_PATH,
                        Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json", "Content-Encoding", "gzip"), gz)));
            }
            for (Future<Integer> f : answers) {
                codes.add(f.get(120, TimeUnit.SECONDS));
            }
        }
        System.out.println("15 MiB [{},…] x16 concurrently: " + codes + " alive=" + process.isAlive());
        if (codes.contains(-1)) {
            System.out.println(HostileSuite.tail(process.log()));
        }
        assertThat(codes).allMatch(c -> c == 413 || c == 503);
        assertThat(codes).contains(413);
        assertThat(process.isAlive()).isTrue();
        assertThat(goodRequest()).isEqualTo(200);
    }

    /**
     * Issue 15: the receiver at its maximum concurrency (64) with bodies of its maximum size (10 MiB) under the
     * shipped heap: every request is answered (200, or 503 that the collector retries, as Vector does), and every
     * event reaches the webhook.
     */
    @Test
    void maximumConcurrencyTimesMaximumBodySizeIsAnsweredAndNothingIsLost() throws Exception {
        int clients = 64;
        int eventsPerRequest = 200;
        Set<String> expected = new HashSet<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            byte[] body = paddedRequest(c, eventsPerRequest, expected);
            assertThat((long) body.length).isBetween(9L * 1024 * 1024, 10L * 1024 * 1024);
            bodies.add(body);
        }
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger resets = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (byte[] body : bodies) {
                answers.add(pool.submit(() -> {
                    for (int attempt = 0; attempt < 200; attempt++) {
                        int code = HostileSuite.post("http://127.0.0.1:" + port + OpenShiftReceiver.DEFAULT_PATH,
                                Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"), body);
                        if (code != 503 && code != -1) {
                            return code;
                        }
                        // 503 (and a connection error, as Vector treats one) is retried after a pause.
                        (code == 503 ? retries : resets).incrementAndGet();
                        Thread.sleep(250);
                    }
                    return 503;
                }));
            }
            for (Future<Integer> f : answers) {
                assertThat(f.get(10, TimeUnit.MINUTES)).isEqualTo(200);
            }
        }
        System.out.printf("64 x 10 MiB: all 200 after %d answers of 503 and %d connection errors (both retried); peak RSS %d MiB of a %d MiB limit%n",
                retries.get(), resets.get(), process.peakRss() / (1024 * 1024), memoryLimit / (1024 * 1024));
        assertThat(sink.keys()).containsAll(expected);
        assertThat(process.isAlive()).isTrue();
        assertThat(process.peakRss()).isLessThan(memoryLimit);
    }

    /** A Logging 6 body of {@code events} Events, each padded to about 49 KB with an annotation. */
    private static byte[] paddedRequest(int client, int events, Set<String> ids) {
        String pad = "p".repeat(49 * 1024);
        StringBuilder b = new StringBuilder(events * 50 * 1024).append('[');
        for (int i = 0; i < events; i++) {
            String id = String.format("%08x-0000-4000-8000-%012x", 0x77000000 + client, i);
            ids.add(id + "/ResponseComplete");
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"annotations\":{\"pad\":\"").append(pad).append("\"},\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"")
                    .append(id).append("\",\"kind\":\"Event\",\"level\":\"Metadata\",\"log_source\":\"kubeAPI\",\"log_type\":\"audit\",")
                    .append("\"objectRef\":{\"apiVersion\":\"v1\",\"name\":\"cm\",\"namespace\":\"ns\",\"resource\":\"configmaps\"},")
                    .append("\"requestReceivedTimestamp\":\"2025-06-02T14:09:02.114532Z\",\"requestURI\":\"/api/v1/namespaces/ns/configmaps/cm\",")
                    .append("\"responseStatus\":{\"code\":200},\"sourceIPs\":[\"10.0.12.4\"],\"stage\":\"ResponseComplete\",")
                    .append("\"stageTimestamp\":\"2025-06-02T14:09:02.163001Z\",\"user\":{\"username\":\"dev\"},\"verb\":\"get\"}");
        }
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }
}
