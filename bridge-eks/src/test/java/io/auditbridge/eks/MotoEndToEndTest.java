package io.auditbridge.eks;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.auditbridge.core.EventJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

/**
 * The real {@code bridge-eks run} and {@code backfill} (the main class in a subprocess, as the jar runs it) against
 * moto's CloudWatch Logs and a real HTTP webhook (WireMock). The log group is seeded through the AWS SDK the way EKS
 * fills it: several {@code kube-apiserver-audit-<hex>} streams of compact audit Events, next to authenticator and
 * kube-apiserver text streams that must never be forwarded (moto ignores {@code logStreamNamePrefix}, so this also
 * proves the bridge's own stream check).
 */
class MotoEndToEndTest {
    private static final String ACCOUNT = "111122223333";
    private static final long OVERLAP_MS = 30_000;

    private static MotoServer moto;
    private static CloudWatchLogsClient logs;

    private final WireMockServer webhook = new WireMockServer(options().dynamicPort());
    private final List<Process> started = new ArrayList<>();
    private final Map<String, Long> timestampOf = new HashMap<>();
    private String cluster;
    private String group;
    private List<String> auditStreams;
    private int seq;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.startOrSkip();
        logs = moto.client();
    }

    @AfterAll
    static void stopMoto() throws Exception {
        if (logs != null) {
            logs.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void seedGroup() {
        webhook.start();
        WebhookFake.answer(webhook, 200);
        cluster = "moto-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        group = EksLogGroup.of(cluster);
        logs.createLogGroup(b -> b.logGroupName(group));
        auditStreams = List.of(stream("kube-apiserver-audit-"), stream("kube-apiserver-audit-"), stream("kube-apiserver-audit-"));
        for (String s : auditStreams) {
            logs.createLogStream(b -> b.logGroupName(group).logStreamName(s));
        }
    }

    @AfterEach
    void stopAll() {
        for (Process p : started) {
            p.destroyForcibly();
        }
        webhook.stop();
    }

    private static String stream(String prefix) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return prefix + String.format(Locale.ROOT, "%016x%016x", r.nextLong(), r.nextLong());
    }

    // ---- the log group, as EKS writes it ----

    /** One compact audit Event line as EKS writes it (IAM-authenticated user, EKS-style extra). */
    private String auditLine(String auditId, long ts) {
        String t = Instant.ofEpochMilli(ts).toString();
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"" + auditId
                + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/payments/secrets/db-creds\",\"verb\":\"get\","
                + "\"user\":{\"username\":\"arn:aws:sts::" + ACCOUNT + ":assumed-role/ops/alice\",\"uid\":\"aws-iam-authenticator:"
                + ACCOUNT + ":AROAEXAMPLEID\",\"groups\":[\"ops\",\"system:authenticated\"],\"extra\":{\"accessKeyId\":[\"ASIAEXAMPLE\"],"
                + "\"arn\":[\"arn:aws:sts::" + ACCOUNT + ":assumed-role/ops/alice\"],\"canonicalArn\":[\"arn:aws:iam::" + ACCOUNT
                + ":role/ops\"],\"principalId\":[\"AROAEXAMPLEID\"],\"sessionName\":[\"alice\"]}},\"sourceIPs\":[\"198.51.100.23\"],"
                + "\"userAgent\":\"kubectl/v1.31.2 (linux/amd64) kubernetes/abc1234\",\"objectRef\":{\"resource\":\"secrets\","
                + "\"namespace\":\"payments\",\"name\":\"db-creds\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"metadata\":{},\"code\":200},"
                + "\"requestReceivedTimestamp\":\"" + t + "\",\"stageTimestamp\":\"" + t + "\",\"annotations\":{"
                + "\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"EKS Access Policy: allowed\"}}";
    }

    /** Puts {@code perStream} audit Events in each audit stream at the given timestamps; returns their auditIDs. */
    private Set<String> putAudit(long... timestamps) {
        Set<String> ids = new HashSet<>();
        Map<String, List<InputLogEvent>> byStream = new LinkedHashMap<>();
        for (long ts : timestamps) {
            String stream = auditStreams.get(seq % auditStreams.size());
            String id = String.format(Locale.ROOT, "0c1e2d3f-0000-4000-8000-%012d", seq++);
            timestampOf.put(id, ts);
            ids.add(id);
            byStream.computeIfAbsent(stream, s -> new ArrayList<>())
                    .add(InputLogEvent.builder().timestamp(ts).message(auditLine(id, ts)).build());
        }
        byStream.forEach(this::put);
        return ids;
    }

    private void put(String stream, List<InputLogEvent> events) {
        List<InputLogEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(InputLogEvent::timestamp));
        logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(sorted));
    }

    /** The other streams of the group: the IAM authenticator's and the API server's own log, as text. */
    private void putNoise(long from, long to) {
        String authenticator = stream("authenticator-");
        String apiserver = stream("kube-apiserver-");
        logs.createLogStream(b -> b.logGroupName(group).logStreamName(authenticator));
        logs.createLogStream(b -> b.logGroupName(group).logStreamName(apiserver));
        List<InputLogEvent> auth = new ArrayList<>();
        List<InputLogEvent> klog = new ArrayList<>();
        for (long ts = from; ts <= to; ts += Math.max(1, (to - from) / 8)) {
            auth.add(InputLogEvent.builder().timestamp(ts).message("time=\"" + Instant.ofEpochMilli(ts) + "\" level=info "
                    + "msg=\"access granted\" arn=\"arn:aws:iam::" + ACCOUNT + ":role/ops\" client=\"127.0.0.1:50530\" "
                    + "groups=\"[ops]\" method=POST path=/authenticate uid=\"aws-iam-authenticator:" + ACCOUNT
                    + ":AROAEXAMPLEID\" username=\"arn:aws:sts::" + ACCOUNT + ":assumed-role/ops/alice\"").build());
            klog.add(InputLogEvent.builder().timestamp(ts)
                    .message("I1205 12:00:00.000000      10 controller.go:615] quota admission added evaluator for: leases.coordination.k8s.io").build());
        }
        put(authenticator, auth);
        put(apiserver, klog);
    }

    // ---- the bridge, as a process ----

    private Process bridge(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                EksBridge.class.getName()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--cluster", cluster, "--region", MotoServer.REGION, "--endpoint-url", moto.endpoint(),
                "--sink", WebhookFake.url(webhook), "--max-requests-per-second", "5",
                "--batch-max-age", "100ms", "--retry-initial-backoff", "50ms", "--retry-max-backoff", "500ms"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AUDITBRIDGE_") || k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", MotoServer.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", MotoServer.SECRET_KEY);
        env.put("AWS_REGION", MotoServer.REGION);
        env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private String output(String name) {
        try {
            String s = Files.readString(dir.resolve(name + ".log"));
            return s.substring(Math.max(0, s.length() - 4000));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private void await(String what, String process, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; delivered " + delivered().size()
                        + " events; checkpoint " + checkpointText() + "; bridge output:\n" + output(process));
            }
            Thread.sleep(200);
        }
    }

    private List<String> delivered() {
        return WebhookFake.acknowledgedAuditIds(webhook);
    }

    private boolean deliveredAll(Set<String> ids) {
        return new HashSet<>(delivered()).containsAll(ids);
    }

    private String checkpointText() {
        try {
            return Files.readString(dir.resolve("checkpoint.json"));
        } catch (IOException e) {
            return "(none: " + e + ")";
        }
    }

    /** The cursor committed to the checkpoint file (epoch ms), or -1 before the first commit. */
    private long committed(Path checkpoint) {
        try {
            if (!Files.exists(checkpoint)) {
                return -1;
            }
            JsonNode doc = EventJson.MAPPER.readTree(checkpoint.toFile());
            JsonNode p = doc.path("positions").get(group);
            return p == null ? -1 : Long.parseLong(p.asText());
        } catch (IOException | NumberFormatException e) {
            return -1; // between write and rename the old file is still there; a torn read is retried
        }
    }

    // ---- the tests ----

    @Test
    void backfillDeliversEveryAuditEventOfTheRangeExactlyOnce() throws Exception {
        long now = System.currentTimeMillis();
        long since = now - 30 * 60_000;
        long until = now - 90_000;
        long[] inRange = new long[120];
        for (int i = 0; i < inRange.length; i++) {
            // Spread over 18 minutes; every tenth pair shares one millisecond across streams.
            inRange[i] = now - 20 * 60_000 + (i / 2 * 2) * 9_000L + (i % 10 == 1 ? 0 : i % 2);
        }
        Set<String> expected = putAudit(inRange);
        Set<String> outside = new HashSet<>(putAudit(since - 60_000, since - 1, until, until + 30_000));
        putNoise(now - 25 * 60_000, now - 2 * 60_000);

        Process p = bridge("backfill", "backfill", "--since", Instant.ofEpochMilli(since).toString(),
                "--until", Instant.ofEpochMilli(until).toString());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("backfill ends").isTrue();
        assertThat(p.exitValue()).as(output("backfill")).isZero();

        List<String> got = delivered();
        assertThat(got).as("every audit event of the range, once").hasSize(expected.size());
        assertThat(new HashSet<>(got)).isEqualTo(expected).doesNotContainAnyElementsOf(outside);
        assertThat(WebhookFake.acknowledgedEvents(webhook)).allSatisfy(e -> {
            assertThat(e.path("annotations").path("cluster_name").asText()).isEqualTo(cluster);
            assertThat(e.path("user").path("extra").path("principalId").get(0).asText()).isEqualTo("AROAEXAMPLEID");
        });
    }

    @Test
    void runFollowsNewAndLateEventsAndSurvivesSigkillFromItsCheckpoint() throws Exception {
        Path checkpoint = dir.resolve("checkpoint.json");
        String[] runArgs = {"run", "--metrics-port", "-1", "--lag", "1s", "--overlap", (OVERLAP_MS / 1000) + "s", "--poll-interval", "1s",
                "--initial-lookback", "2m", "--checkpoint-file", checkpoint.toString()};
        long now = System.currentTimeMillis();
        Set<String> all = new HashSet<>(putAudit(now - 40_000, now - 35_000, now - 30_000, now - 20_000, now - 10_000, now - 5_000));
        putNoise(now - 40_000, now - 5_000);

        bridge("run-1", runArgs);
        await("the events put before start", "run-1", () -> deliveredAll(all));

        // Put while it runs: the next windows read them.
        long t = System.currentTimeMillis();
        Set<String> live = putAudit(t - 300, t - 200, t - 200, t - 100, t);
        all.addAll(live);
        await("events put while running", "run-1", () -> deliveredAll(live));

        // Late: once a marker put at t2 was read, the poller's cursor is past t2; events timestamped before t2
        // but put only now are behind it, and only the overlap re-read can find them.
        long t2 = System.currentTimeMillis();
        Set<String> marker = putAudit(t2);
        all.addAll(marker);
        await("the marker", "run-1", () -> deliveredAll(marker));
        Set<String> late = putAudit(t2 - 12_000, t2 - 6_000, t2 - 6_000, t2 - 1);
        all.addAll(late);
        await("late events inside the overlap", "run-1", () -> deliveredAll(late));
        assertThat(new HashSet<>(delivered())).as("no duplicates within one process").hasSize(delivered().size());

        // SIGKILL: no shutdown hook runs; what the file holds is all the restart has.
        Process first = started.getLast();
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long committedAtKill = committed(checkpoint);
        assertThat(committedAtKill).isPositive();
        int deliveredBeforeRestart = delivered().size();

        long down = System.currentTimeMillis();
        Set<String> whileDown = putAudit(down - 2_000, down - 1_000, down, committedAtKill - 8_000, committedAtKill - 2_000);
        all.addAll(whileDown);
        putNoise(down - 2_000, down);

        bridge("run-2", runArgs);
        await("every event after the restart", "run-2", () -> deliveredAll(all));
        Process second = started.getLast();
        second.destroy(); // SIGTERM: drains and exits
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as(output("run-2")).isTrue();

        List<String> got = delivered();
        assertThat(new HashSet<>(got)).as("nothing lost, nothing but audit events").isEqualTo(all);
        // At-least-once, bounded: an event is delivered again only if the restart re-read it, i.e. it lies within
        // the overlap before the cursor the killed process had committed.
        Map<String, Integer> times = new HashMap<>();
        got.forEach(id -> times.merge(id, 1, Integer::sum));
        times.forEach((id, n) -> {
            if (n > 1) {
                assertThat(timestampOf.get(id)).as("re-delivered %s", id).isGreaterThanOrEqualTo(committedAtKill - OVERLAP_MS);
            }
            assertThat(n).as("deliveries of %s", id).isLessThanOrEqualTo(2);
        });
        assertThat(got.size()).isGreaterThanOrEqualTo(deliveredBeforeRestart);
    }
}
