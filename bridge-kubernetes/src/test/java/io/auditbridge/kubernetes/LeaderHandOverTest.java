package io.auditbridge.kubernetes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.Source;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.OpsOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.awaitility.Awaitility;

/**
 * Two replicas of a polling bridge, each a real BridgeRuntime + Pipeline delivering to its own path of one
 * WireMock webhook, sharing a Lease and a checkpoint ConfigMap on fabric8's mock API server (CRUD mode).
 * Lease timings are short so hand-overs happen within a test; every wait is on a condition.
 */
@EnableKubernetesMockClient(crud = true)
@Tag("realtime") // replicas hand the Lease over on its real timings: run by failsafe in ./mvnw verify
class LeaderHandOverTest {
    static final String NS = "bridges";
    static final String CHECKPOINT = "fake-bridge";
    static final int LOG_SIZE = 200;

    KubernetesMockServer server;
    KubernetesClient client;
    WireMockServer webhook;
    @TempDir
    Path dir;

    /** The provider's log both replicas read: record i holds the Event with auditID id-i, position "i". */
    final List<byte[]> log = IntStream.range(0, LOG_SIZE).mapToObj(LeaderHandOverTest::event).toList();
    /** How much of the log the provider has published so far. */
    final AtomicInteger published = new AtomicInteger();

    @BeforeEach
    void startWebhook() {
        webhook = new WireMockServer(options().dynamicPort());
        webhook.start();
        webhook.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stopWebhook() {
        webhook.stop();
    }

    @Test
    void onlyTheLeaderPollsAndAGracefulHandOverResumesWithoutDuplicates() throws Exception {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        leaderDeliversFirstHundredWhileOtherStandsBy(a, b);
        await(() -> "replica-a".equals(leaseHolder()), "lease held by replica-a");

        assertThat(b.source.startedFrom.get()).as("the standby never started its source").isEqualTo(Replica.NOT_STARTED);
        assertThat(b.source.polls.get()).isZero();
        assertThat(delivered("/replica-b")).isEmpty();
        assertThat(probe(b, "/healthz")).as("a standby is alive (the liveness probe must not restart it)").isEqualTo(200);
        assertThat(probe(b, "/readyz")).as("a standby is ready (rollouts proceed)").isEqualTo(200);
        assertThat(probe(a, "/readyz")).isEqualTo(200);

        a.runtime.requestStop();                 // SIGTERM: drain, commit, then release the lease
        assertThat(a.exit.get(30, TimeUnit.SECONDS)).isZero();
        await(() -> b.leadership().isLeader(), "replica-b takes over");
        published.set(LOG_SIZE);
        await(() -> committed().equals("199"), "replica-b commits record 199");

        assertThat(b.source.startedFrom.get()).as("the standby resumes from the shared checkpoint").isEqualTo(99);
        List<Integer> fromA = delivered("/replica-a");
        List<Integer> fromB = delivered("/replica-b");
        assertThat(fromA).containsExactlyElementsOf(range(0, 100));
        assertThat(fromB).containsExactlyElementsOf(range(100, LOG_SIZE));
        b.runtime.requestStop();
        assertThat(b.exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aLeaderThatLosesTheLeaseStopsAndDuplicatesStayWithinTheAtLeastOnceWindow() throws Exception {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        leaderDeliversFirstHundredWhileOtherStandsBy(a, b);

        // replica-a stalls from the API server's point of view: a newer writer claims the checkpoint (as a
        // new leader does when it starts), so replica-a's commits are fenced from now on, while it still
        // believes it leads and delivers 100..149. Then the other holder takes the lease.
        new ConfigMapCheckpointStore(client, NS, CHECKPOINT, "intruder", false).load();
        published.set(150);
        await(() -> delivered("/replica-a").contains(149), "replica-a delivers up to 149 without committing");
        assertThat(committed()).as("fenced: replica-a could not move the checkpoint").isEqualTo("99");
        while (!a.exit.isDone()) {
            takeLease("intruder");
            awaitQuietly(a.exit::isDone);
        }
        assertThat(a.exit.get()).isEqualTo(BridgeRuntime.EXIT_LOST_LEADERSHIP);
        assertThat(a.runtime.pipeline().committedPositions()).as("replica-a's last successful commit").containsEntry("log", "99");

        await(() -> b.leadership().isLeader(), "replica-b acquires the lease after the intruder's expires");
        published.set(LOG_SIZE);
        await(() -> committed().equals("199"), "replica-b commits record 199");
        b.runtime.requestStop();
        assertThat(b.exit.get(30, TimeUnit.SECONDS)).isZero();

        List<Integer> fromA = delivered("/replica-a");
        List<Integer> fromB = delivered("/replica-b");
        Set<Integer> all = new HashSet<>(fromA);
        all.addAll(fromB);
        assertThat(all).as("nothing lost").containsExactlyInAnyOrderElementsOf(range(0, LOG_SIZE));
        assertThat(fromA).as("no replica delivers a record twice").doesNotHaveDuplicates();
        assertThat(fromB).doesNotHaveDuplicates();
        assertThat(b.source.startedFrom.get()).as("replica-b resumes from replica-a's last commit").isEqualTo(99);
        List<Integer> duplicates = fromB.stream().filter(new HashSet<>(fromA)::contains).toList();
        assertThat(duplicates).as("duplicates are exactly what replica-a delivered after its last commit")
                .containsExactlyElementsOf(fromA.stream().filter(i -> i > 99).toList())
                .containsExactlyElementsOf(range(100, 150));
        assertThat(fromB).containsExactlyElementsOf(range(100, LOG_SIZE));
        assertThat(configMap().getData()).containsEntry("writer", "replica-b");
    }

    /**
     * Issue 12: a leader whose source is blocked on back-pressure (in-flight bound full, the webhook answering 503)
     * still notices it lost the Lease: the same stop path as SIGTERM unblocks the source, and the process exits 3
     * without committing what the webhook never acknowledged.
     */
    @Test
    void aLeaderBlockedOnBackPressureWithTheWebhookDownExitsThreeWhenItLosesTheLease() throws Exception {
        webhook.stubFor(any(urlEqualTo("/replica-a")).willReturn(aResponse().withStatus(503)));
        published.set(LOG_SIZE);
        Replica a = new Replica("replica-a");
        a.start("--max-in-flight-events", "20", "--shutdown-timeout", "1s");
        await(() -> a.leadership().isLeader(), "replica-a leads");
        // Three polls of 10 against a bound of 20 with nothing acknowledged: the third submit blocks on back-pressure.
        await(() -> a.source.polls.get() >= 3, "replica-a fetches past its in-flight bound");
        await(() -> webhook.findAll(postRequestedFor(urlEqualTo("/replica-a"))).size() >= 2, "replica-a retries the down webhook");
        assertThat(a.exit).isNotDone();
        while (!a.exit.isDone()) {
            takeLease("intruder");
            awaitQuietly(a.exit::isDone);
        }
        assertThat(a.exit.get()).isEqualTo(BridgeRuntime.EXIT_LOST_LEADERSHIP);
        assertThat(committed()).as("nothing acknowledged, nothing committed").isEmpty();
        assertThat(a.runtime.pipeline().committedPositions()).doesNotContainKey("log");
    }

    /** replica-a starts first and leads; replica-b starts as standby; replica-a delivers and commits 0..99. */
    private void leaderDeliversFirstHundredWhileOtherStandsBy(Replica a, Replica b) throws Exception {
        published.set(100);
        a.start();
        await(() -> a.leadership().isLeader(), "replica-a leads");
        b.start();
        await(() -> committed().equals("99"), "replica-a commits record 99");
    }

    // ---- a replica: the CLI options a Deployment would set, a real runtime, a fake source ----

    @Command(name = "replica")
    static final class ReplicaOptions {
        @Mixin SinkOptions sink;
        @Mixin PipelineOptions pipeline;
        @Mixin OpsOptions ops;
        @Mixin CheckpointOptions checkpoint;
    }

    final class Replica {
        static final int NOT_STARTED = -2;
        final String name;
        final FakeSource source = new FakeSource();
        BridgeRuntime<byte[]> runtime;
        CompletableFuture<Integer> exit;

        Replica(String name) {
            this.name = name;
        }

        void start(String... extraArgs) throws Exception {
            ReplicaOptions o = new ReplicaOptions();
            List<String> args = new ArrayList<>(List.of(
                    "--sink", webhook.baseUrl() + "/" + name,
                    "--batch-max-age", "20ms", "--batch-max-events", "25",
                    // One batch at a time: the hand-over is checked on the exact, ordered sequence each replica sent.
                    "--sink-concurrency", "1",
                    "--dead-letter-file", dir.resolve(name + "-dead-letter.ndjson").toString(),
                    "--metrics-port", "0", "--metrics-host", "127.0.0.1",
                    "--checkpoint-configmap", CHECKPOINT, "--kubernetes-namespace", NS,
                    "--leader-election", "--lease-duration", "2s", "--lease-renew-deadline", "1500ms",
                    "--lease-retry-period", "200ms"));
            args.addAll(List.of(extraArgs));
            BridgeCli.commandLine(o).parseArgs(args.toArray(String[]::new));
            CheckpointStore store = KubernetesCoordination.create(server.createClient(), o.checkpoint, Map.of("POD_NAME", name)::get);
            runtime = BridgeRuntime.builder("fake", new K8sEventTranslator("fake", Map.of()))
                    .sink(o.sink).pipeline(o.pipeline).ops(o.ops).checkpoints(store).build();
            exit = CompletableFuture.supplyAsync(() -> {
                try {
                    return runtime.runPolling(source, Duration.ofMillis(20), Duration.ofSeconds(10));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofPlatform().name(name).start(r));
            this.store = store;
        }

        CheckpointStore store;

        LeaseLeadership leadership() {
            return ((LeaderElectedCheckpointStore) store).leadership();
        }
    }

    /** Reads the shared log from just after the committed position, up to what is published. */
    final class FakeSource implements Source<byte[]> {
        final AtomicInteger startedFrom = new AtomicInteger(Replica.NOT_STARTED);
        final AtomicInteger polls = new AtomicInteger();
        int next;

        @Override
        public void start(Map<String, String> committed) {
            int last = Integer.parseInt(committed.getOrDefault("log", "-1"));
            startedFrom.set(last);
            next = last + 1;
        }

        @Override
        public List<SourceRecord<byte[]>> poll() {
            polls.incrementAndGet();
            List<SourceRecord<byte[]>> out = new ArrayList<>();
            int end = Math.min(published.get(), next + 10);
            for (; next < end; next++) {
                out.add(new SourceRecord<>("log", Integer.toString(next), "record-" + next, log.get(next)));
            }
            return out;
        }
    }

    // ---- helpers ----

    private static int probe(Replica r, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.runtime.opsPort() + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    private static byte[] event(int i) {
        return ("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"id-" + i
                + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/default/pods\",\"verb\":\"list\","
                + "\"user\":{\"username\":\"alice\"},\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"apiVersion\":\"v1\"},"
                + "\"responseStatus\":{\"code\":200},\"requestReceivedTimestamp\":\"2026-11-30T01:00:00.000000Z\","
                + "\"stageTimestamp\":\"2026-11-30T01:00:00.100000Z\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** Record indexes received on {@code path}, in arrival order. */
    private List<Integer> delivered(String path) {
        List<LoggedRequest> requests = new ArrayList<>(webhook.findAll(postRequestedFor(urlEqualTo(path))));
        requests.sort((x, y) -> x.getLoggedDate().compareTo(y.getLoggedDate()));
        List<Integer> ids = new ArrayList<>();
        for (LoggedRequest r : requests) {
            JsonNode body;
            try {
                body = EventJson.MAPPER.readTree(r.getBody());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (JsonNode item : body.get("items")) {
                ids.add(Integer.parseInt(item.get("auditID").asText().substring(3)));
            }
        }
        return ids;
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    private ConfigMap configMap() {
        return client.configMaps().inNamespace(NS).withName(CHECKPOINT).get();
    }

    private String committed() {
        ConfigMap cm = configMap();
        if (cm == null) {
            return "";
        }
        try {
            return EventJson.MAPPER.readTree(cm.getData().get("positions.json")).path("log").asText();
        } catch (Exception e) {
            return "";
        }
    }

    private String leaseHolder() {
        return LeaseRivals.holder(client, NS, CHECKPOINT);
    }

    /** Takes the Lease as another elector would, for 2 s. */
    private void takeLease(String holder) {
        LeaseRivals.take(client, NS, CHECKPOINT, holder, java.time.Duration.ofSeconds(2));
    }

    private static void await(BooleanSupplier condition, String what) {
        Awaitility.await(what).atMost(java.time.Duration.ofSeconds(30)).until(condition::getAsBoolean);
    }

    private static void awaitQuietly(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
