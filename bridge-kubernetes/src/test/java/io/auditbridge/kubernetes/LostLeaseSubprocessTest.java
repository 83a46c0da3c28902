package io.auditbridge.kubernetes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.testing.SampleEvents;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, through a real process: a replica ({@link LeasedBridgeMain}, its own JVM, the Kubernetes client built
 * from the environment as in a pod) leads by a Lease on fabric8's mock API server, delivers, then the webhook
 * goes down and its source blocks on back-pressure. Another holder takes the Lease: the process must end by itself
 * with exit code 3, having committed only positions the webhook acknowledged. (SIGTERM on a blocked
 * subprocess is {@code CrashRecoveryTest}'s.)
 */
@EnableKubernetesMockClient(crud = true)
@Tag("realtime") // a real subprocess and the Lease's real timings: run by failsafe in ./mvnw verify
class LostLeaseSubprocessTest {
    static final String NS = "bridges";
    static final String CHECKPOINT = "leased-bridge";
    static final String PATH = "/k8s-audit";

    KubernetesMockServer server;
    KubernetesClient client;
    WireMockServer webhook;
    @TempDir
    Path dir;

    @BeforeEach
    void startWebhook() {
        webhook = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        webhook.start();
        // Acknowledges slowly (the outage starts mid-stream), then answers 503 from the "down" state on.
        webhook.stubFor(post(PATH).inScenario("outage").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withFixedDelay(50)));
        webhook.stubFor(post(PATH).inScenario("outage").whenScenarioStateIs("down").willReturn(aResponse().withStatus(503)));
    }

    @AfterEach
    void stopWebhook() {
        webhook.stop();
    }

    @Test
    void aLeaderBlockedOnBackPressureThatLosesTheLeaseExitsThreeHavingCommittedOnlyWhatWasAcknowledged() throws Exception {
        Path log = dir.resolve("replica-a.log");
        Process replica = launch("replica-a", log);
        try {
            await(replica, log, () -> "replica-a".equals(leaseHolder()), "replica-a holds the Lease");
            await(replica, log, () -> served(200) >= 5, "replica-a delivers");
            webhook.setScenarioState("outage", "down");
            // Down long enough for the 40 in-flight events to fill up: the source now waits in submit. (Requests
            // that arrived before the switch may still be answered 200 after it: several batches are in flight.)
            int requests = posts();
            await(replica, log, () -> posts() >= requests + 10, "replica-a retries the down webhook");
            int acknowledgedRequests = served(200);
            assertThat(replica.isAlive()).isTrue();

            // Another elector takes the Lease (rewritten until the replica notices, as its own renewals may win a race).
            long taken = System.nanoTime();
            long deadline = taken + TimeUnit.SECONDS.toNanos(60);
            while (!replica.waitFor(300, TimeUnit.MILLISECONDS)) {
                assertThat(System.nanoTime()).as("replica-a exits after losing the Lease; log:%n%s", Files.readString(log))
                        .isLessThan(deadline);
                takeLease("intruder");
            }
            System.out.printf("replica-a exited %d, %d ms after the Lease was first taken away, %d of its requests acknowledged%n",
                    replica.exitValue(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - taken), acknowledgedRequests);
            assertThat(replica.exitValue()).as("log:%n%s", Files.readString(log)).isEqualTo(BridgeRuntime.EXIT_LOST_LEADERSHIP);
        } finally {
            replica.destroyForcibly();
        }

        List<String> acked = new ArrayList<>();
        for (var served : webhook.getAllServeEvents().reversed()) {
            if (served.getResponse().getStatus() == 200) {
                acked.addAll(SampleEvents.auditIds(served.getRequest().getBody()));
            }
        }
        long committed = Long.parseLong(committedPosition());
        System.out.printf("acknowledged %d events, committed %d; the replica's checkpoint and Lease lines:%n%s%n", acked.size(),
                committed, Files.readAllLines(log).stream().filter(l -> l.matches("(?i).*(commit|checkpoint|lease|leader).*"))
                        .limit(40).collect(java.util.stream.Collectors.joining("\n")));
        // Up to --sink-concurrency batches are in flight, so when the webhook goes down a later batch may have been
        // acknowledged while an earlier one was not: the acknowledged events need not be a prefix of the source.
        // The contract is Kafka Connect's: commit only up to the first event not acknowledged. (A commit that lags
        // that prefix is allowed: the next leader delivers those again, at least once.)
        java.util.Set<String> ackedIds = new java.util.HashSet<>(acked);
        long acknowledgedPrefix = 0;
        while (ackedIds.contains(auditId(acknowledgedPrefix))) {
            acknowledgedPrefix++;
        }
        assertThat(acked).as("each event acknowledged once").doesNotHaveDuplicates();
        assertThat(committed).as("committed only up to the first event the webhook did not take (acknowledged: %s)", acked)
                .isPositive().isLessThanOrEqualTo(acknowledgedPrefix);
        assertThat(dir.resolve("dead.ndjson")).as("nothing dead-lettered for a down webhook").doesNotExist();
    }

    private Process launch(String pod, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m",
                // The in-pod client configuration, pointed at the mock API server.
                "-Dkubernetes.master=" + client.getMasterUrl(), "-Dkubernetes.trust.certificates=true",
                "-Dkubernetes.auth.tryKubeConfig=false", "-Dkubernetes.auth.tryServiceAccount=false",
                "-cp", System.getProperty("java.class.path"), LeasedBridgeMain.class.getName(), "run",
                "--generate", "1000000", "--sink", webhook.baseUrl() + PATH,
                "--checkpoint-configmap", CHECKPOINT, "--kubernetes-namespace", NS,
                "--leader-election", "--lease-duration", "2s", "--lease-renew-deadline", "1500ms", "--lease-retry-period", "200ms",
                "--dead-letter-file", dir.resolve("dead.ndjson").toString(),
                "--batch-max-events", "10", "--batch-max-age", "5ms", "--max-in-flight-events", "40",
                "--shutdown-timeout", "1s", "--retry-initial-backoff", "20ms", "--retry-max-backoff", "100ms",
                "--metrics-port", "-1", "--log-level", "info"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AUDITBRIDGE_") || k.startsWith("KUBERNETES_") || k.equals("KUBECONFIG"));
        pb.environment().put("POD_NAME", pod);
        return pb.start();
    }

    private static String auditId(long i) {
        return String.format("%08x-0000-4000-8000-%012x", i >>> 16, i);
    }

    private int served(int status) {
        return (int) webhook.getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == status).count();
    }

    private int posts() {
        return webhook.findAll(postRequestedFor(urlEqualTo(PATH))).size();
    }

    private String committedPosition() throws Exception {
        ConfigMap cm = client.configMaps().inNamespace(NS).withName(CHECKPOINT).get();
        assertThat(cm).as("checkpoint ConfigMap").isNotNull();
        return EventJson.MAPPER.readTree(cm.getData().get("positions.json")).path("generated").asText("0");
    }

    private String leaseHolder() {
        return LeaseRivals.holder(client, NS, CHECKPOINT);
    }

    /** Takes the Lease as another elector would, for 30 s. */
    private void takeLease(String holder) {
        LeaseRivals.take(client, NS, CHECKPOINT, holder, java.time.Duration.ofSeconds(30));
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Process replica, Path log, Check condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.ok()) {
            assertThat(replica.isAlive()).as("replica exited before: %s; log:%n%s", what, Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("timed out waiting until " + what).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
