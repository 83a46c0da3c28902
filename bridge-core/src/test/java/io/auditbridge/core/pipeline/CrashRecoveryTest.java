package io.auditbridge.core.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.auditbridge.core.checkpoint.FileCheckpointStore;
import io.auditbridge.core.testing.FileBridgeMain;
import io.auditbridge.core.testing.SampleEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.auditbridge.core.testing.LoopbackWireMock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CLI killed with SIGKILL mid-stream and restarted: nothing after the committed position is lost. */
@Tag("realtime") // a real subprocess is killed mid-run and restarted: run by failsafe in ./mvnw verify
class CrashRecoveryTest {
    private static final int EVENTS = 2000;

    @TempDir
    Path dir;

    @RegisterExtension
    final WireMockExtension webhook = LoopbackWireMock.perTest();

    @BeforeEach
    void start() {
        // Slow enough that the kill lands mid-stream, whatever the machine's speed.
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200).withFixedDelay(20)));
    }

    private Process launch(Path input, Path checkpoint, String... extra) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                FileBridgeMain.class.getName(), "run", "--input", input.toString(),
                "--sink", "http://127.0.0.1:" + webhook.getPort() + "/k8s-audit",
                "--checkpoint-file", checkpoint.toString(), "--dead-letter-file", dir.resolve("dead.ndjson").toString(),
                "--batch-max-events", "10", "--batch-max-age", "5ms", "--max-in-flight-events", "40",
                "--metrics-port", "-1", "--log-level", "warn"));
        if (!List.of(extra).contains("--sink-concurrency")) {
            // One batch at a time, so the webhook sees events in order and the resume can be checked exactly; the
            // concurrent default is checked by killDashNineWithFourBatchesInFlightResumesAfterTheCommittedPosition.
            cmd.addAll(List.of("--sink-concurrency", "1"));
        }
        cmd.addAll(List.of(extra));
        log = dir.resolve("bridge-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    private Path log;

    private List<String> deliveredIds() {
        List<String> ids = new ArrayList<>();
        for (var r : webhook.findAll(postRequestedFor(urlEqualTo("/k8s-audit")))) {
            ids.addAll(SampleEvents.auditIds(r.getBody()));
        }
        return ids;
    }

    /**
     * The webhook goes down while the source is blocked on back-pressure: SIGTERM still ends the process within
     * the shutdown timeout, and the checkpoint holds exactly what the webhook acknowledged before it went down.
     */
    @Test
    void sigtermWhileBlockedOnBackPressureWithTheWebhookDownDrainsCommitsWhatWasAckedAndExits() throws Exception {
        webhook.resetAll();
        webhook.stubFor(post("/k8s-audit").inScenario("outage").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withFixedDelay(50))); // slow: the outage starts mid-stream
        webhook.stubFor(post("/k8s-audit").inScenario("outage").whenScenarioStateIs("down")
                .willReturn(aResponse().withStatus(503)));
        Path input = dir.resolve("events.ndjson");
        Files.writeString(input, SampleEvents.ndjson(1, EVENTS));
        Path checkpoint = dir.resolve("checkpoint.json");

        Process bridge = launch(input, checkpoint, "--shutdown-timeout", "1s", "--retry-initial-backoff", "20ms", "--retry-max-backoff", "100ms");
        awaitRequests(bridge, 5);
        webhook.setScenarioState("outage", "down");
        int before = served(200);
        // Down long enough for the 40 in-flight events to fill up: the source now waits in submit.
        awaitRequests(bridge, webhook.findAll(postRequestedFor(urlEqualTo("/k8s-audit"))).size() + 10);
        assertThat(served(200)).isEqualTo(before);

        bridge.destroy(); // SIGTERM
        assertThat(bridge.waitFor(60, TimeUnit.SECONDS)).as("SIGTERM honoured while blocked; log:%n%s", Files.readString(log)).isTrue();
        assertThat(bridge.exitValue()).isNotZero();

        List<String> acked = new ArrayList<>();
        for (var served : webhook.getAllServeEvents().reversed()) {
            if (served.getResponse().getStatus() == 200) {
                acked.addAll(SampleEvents.auditIds(served.getRequest().getBody()));
            }
        }
        int committed = Integer.parseInt(new FileCheckpointStore(checkpoint).load().getOrDefault("file", "0"));
        assertThat(committed).as("committed exactly what was acknowledged").isEqualTo(acked.size()).isPositive().isLessThan(EVENTS);
        assertThat(acked).containsExactlyElementsOf(SampleEvents.events(1, committed).stream().map(e -> e.auditId()).toList());
        assertThat(dir.resolve("dead.ndjson")).doesNotExist();
    }

    /** An Error on the delivery thread ends the process at once, non-zero; the checkpoint is where the acks were. */
    @Test
    void anErrorOnTheDeliveryThreadEndsTheProcessNonZero() throws Exception {
        Path input = dir.resolve("events.ndjson");
        Files.writeString(input, SampleEvents.ndjson(1, EVENTS));
        Path checkpoint = dir.resolve("checkpoint.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process bridge = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FileBridgeMain.class.getName(), "run", "--input", input.toString(),
                "--sink", "error-after", "--sink-option", "batches=3",
                "--checkpoint-file", checkpoint.toString(), "--dead-letter-file", dir.resolve("dead.ndjson").toString(),
                "--batch-max-events", "10", "--batch-max-age", "5ms", "--metrics-port", "-1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("error.log").toFile()).start();
        assertThat(bridge.waitFor(60, TimeUnit.SECONDS)).as("the process ended by itself").isTrue();
        assertThat(bridge.exitValue()).isEqualTo(io.auditbridge.core.cli.BridgeRuntime.EXIT_FATAL);
        assertThat(Files.readString(dir.resolve("error.log"))).contains("fatal error on the delivery thread")
                .contains("StackOverflowError");
        assertThat(Integer.parseInt(new FileCheckpointStore(checkpoint).load().getOrDefault("file", "0"))).isLessThan(EVENTS);
    }

    private int served(int status) {
        return (int) webhook.getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == status).count();
    }

    private void awaitRequests(Process bridge, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (webhook.findAll(postRequestedFor(urlEqualTo("/k8s-audit"))).size() < n) {
            assertThat(bridge.isAlive()).as("bridge exited early; log:%n%s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("%d requests within a minute", n).isLessThan(deadline);
            Thread.sleep(10); // polling for a condition, not asserting on time
        }
    }

    @Test
    void killDashNineThenRestartDeliversEverythingAfterTheCommittedPosition() throws Exception {
        Path input = dir.resolve("events.ndjson");
        Files.writeString(input, SampleEvents.ndjson(1, EVENTS));
        Path checkpoint = dir.resolve("checkpoint.json");

        Process first = launch(input, checkpoint);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (webhook.findAll(postRequestedFor(urlEqualTo("/k8s-audit"))).size() < 30 && System.nanoTime() < deadline) {
            assertThat(first.isAlive()).as("bridge exited early").isTrue();
            Thread.sleep(10); // polling for a condition, not asserting on time
        }
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no final commit
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

        int committed = Integer.parseInt(new FileCheckpointStore(checkpoint).load().getOrDefault("file", "0"));
        List<String> beforeKill = deliveredIds();
        assertThat(committed).as("some progress was committed before the kill").isPositive().isLessThan(EVENTS);
        // Everything committed had been delivered before the kill.
        for (int i = 1; i <= committed; i++) {
            assertThat(beforeKill).contains(SampleEvents.auditId(i));
        }

        webhook.resetRequests();
        Process second = launch(input, checkpoint);
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).as("restarted bridge finished").isTrue();
        assertThat(second.exitValue()).isZero();

        List<String> afterRestart = deliveredIds();
        Set<String> all = new HashSet<>(beforeKill);
        all.addAll(afterRestart);
        for (int i = 1; i <= EVENTS; i++) {
            assertThat(all).as("event %d delivered", i).contains(SampleEvents.auditId(i));
        }
        // The restart resumed right after the committed position: nothing before it was sent again,
        // everything after it was, in order.
        List<String> expected = new ArrayList<>();
        for (int i = committed + 1; i <= EVENTS; i++) {
            expected.add(SampleEvents.auditId(i));
        }
        assertThat(afterRestart).containsExactlyElementsOf(expected);
        assertThat(new FileCheckpointStore(checkpoint).load()).containsEntry("file", Integer.toString(EVENTS));
    }

    /**
     * With several batches in flight (the CLI's default) batches are acknowledged out of order, so the committed
     * position is the end of the acknowledged prefix: a restart sends exactly what comes after it, each event once
     * (events acknowledged out of order past that position are sent again: at least once, never lost).
     */
    @Test
    void killDashNineWithFourBatchesInFlightResumesAfterTheCommittedPosition() throws Exception {
        Path input = dir.resolve("events.ndjson");
        Files.writeString(input, SampleEvents.ndjson(1, EVENTS));
        Path checkpoint = dir.resolve("checkpoint.json");

        Process first = launch(input, checkpoint, "--sink-concurrency", "4");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (webhook.findAll(postRequestedFor(urlEqualTo("/k8s-audit"))).size() < 30 && System.nanoTime() < deadline) {
            assertThat(first.isAlive()).as("bridge exited early").isTrue();
            Thread.sleep(10); // polling for a condition, not asserting on time
        }
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

        int committed = Integer.parseInt(new FileCheckpointStore(checkpoint).load().getOrDefault("file", "0"));
        List<String> beforeKill = deliveredIds();
        assertThat(committed).as("some progress was committed before the kill").isPositive().isLessThan(EVENTS);
        assertThat(beforeKill).containsAll(SampleEvents.events(1, committed).stream().map(e -> e.auditId()).toList());

        webhook.resetRequests();
        Process second = launch(input, checkpoint, "--sink-concurrency", "4");
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).as("restarted bridge finished").isTrue();
        assertThat(second.exitValue()).isZero();
        assertThat(deliveredIds()).containsExactlyInAnyOrderElementsOf(
                SampleEvents.events(committed + 1, EVENTS - committed).stream().map(e -> e.auditId()).toList());
        assertThat(new FileCheckpointStore(checkpoint).load()).containsEntry("file", Integer.toString(EVENTS));
    }
}
