package io.auditbridge.gke.pubsub;

import io.auditbridge.core.testing.ServiceProcess;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.pubsub.v1.ProjectSubscriptionName;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.gke.PubsubTestAccess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bridge-gke run --source pubsub} in this JVM against Google's Pub/Sub emulator and a real loopback
 * webhook; an {@link AckObserver} on the subscriber's channel sees the acknowledge RPCs Pub/Sub received.
 */
@ExtendWith(PubsubEmulatorExtension.class)
class PubsubSubscriberTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** A running in-process subscriber. */
    private record Running(CompletableFuture<Integer> exit, BridgeRuntime<byte[]> runtime, int opsPort) {
        void stop() throws Exception {
            runtime.requestStop();
            assertThat(exit.get(60, TimeUnit.SECONDS)).as("exit code").isZero();
        }

        double metric(String name) {
            return runtime.metrics().count(name);
        }
    }

    private Running start(PubsubEmulator emulator, ProjectSubscriptionName sub, AckObserver observer, List<String> extra)
            throws Exception {
        int opsPort = ServiceProcess.freeLoopbackPort();
        List<String> args = new ArrayList<>(List.of("--source", "pubsub", "--subscription", sub.toString(),
                "--pubsub-endpoint", emulator.endpoint(), "--metrics-host", "127.0.0.1", "--metrics-port", String.valueOf(opsPort),
                "--dead-letter-file", dir.resolve("dead-letter.ndjson").toString(),
                "--retry-initial-backoff", "50ms", "--retry-max-backoff", "200ms", "--batch-max-age", "100ms",
                "--subscription-probe-interval", "500ms", "--drain-timeout", "10s"));
        args.addAll(extra);
        CompletableFuture<BridgeRuntime<byte[]>> runtime = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> PubsubTestAccess.run(args.toArray(String[]::new), observer, runtime::complete));
        BridgeRuntime<byte[]> r = CompletableFuture.anyOf(runtime, exit).thenApply(x -> runtime.getNow(null)).get(60, TimeUnit.SECONDS);
        assertThat(r).as("subscriber started (exit code " + exit.getNow(null) + ")").isNotNull();
        return new Running(exit, r, opsPort);
    }

    @Test
    void tenThousandEntriesThroughA503OutageAreAllDeliveredAndEachMessageIsAckedOnlyAfterIts200(PubsubEmulator emulator) throws Exception {
        ProjectSubscriptionName sub = emulator.createSubscription(10);
        int n = 10_000;
        AckObserver observer = new AckObserver();
        AtomicInteger unavailable = new AtomicInteger();
        try (RecordingWebhook webhook = new RecordingWebhook()) {
            Map<String, String> messageOfAuditId = new HashMap<>();
            webhook.answer(i -> i < 15 ? 503 : 200).beforeAnswer((ids, code) -> {
                // Inside the webhook, before answering: Pub/Sub has received no ack for any of these events.
                for (String id : ids) {
                    String message;
                    synchronized (messageOfAuditId) {
                        message = messageOfAuditId.get(id);
                    }
                    assertThat(message == null ? null : observer.ackSentAt(message))
                            .as("ack of " + id + " before its 2xx").isNull();
                }
                if (code == 503) {
                    unavailable.incrementAndGet();
                    assertThat(observer.acked()).as("nothing acked while the sink answers 503").isEmpty();
                }
            });
            List<byte[]> entries = AuditEntries.k8s("ten", n, "prod-1", 0);
            List<String> ids = emulator.publish(sub, entries);
            for (int i = 0; i < n; i++) {
                messageOfAuditId.put(AuditEntries.insertId("ten", i), ids.get(i));
            }
            Running r = start(emulator, sub, observer, List.of("--sink", webhook.url("/k8s-audit"), "--batch-max-events", "500"));
            try {
                assertThat(webhook.awaitDistinct(n, Duration.ofSeconds(120))).as("all delivered: " + webhook.delivered().size()).isTrue();
                waitFor(() -> observer.acked().size() >= n, Duration.ofSeconds(30));
            } finally {
                r.stop();
            }
            assertThat(webhook.failures()).isEmpty();
            assertThat(unavailable.get()).as("the webhook did answer 503 for a while").isEqualTo(15);
            assertThat(webhook.delivered()).hasSize(n);
            assertThat(observer.acked()).as("every message acked").containsAll(ids);
            for (int i = 0; i < n; i++) {
                String auditId = AuditEntries.insertId("ten", i);
                assertThat(observer.ackSentAt(ids.get(i))).as("ack of " + auditId + " after its 200")
                        .isGreaterThan(webhook.firstOkAt(auditId));
            }
            assertThat(r.metric("auditbridge.pubsub.messages.received")).isGreaterThanOrEqualTo(n);
            assertThat(r.metric("auditbridge.pubsub.messages.acked")).isGreaterThanOrEqualTo(n);
            assertThat(emulator.pullWaiting(sub, Duration.ofSeconds(2))).as("nothing left on the subscription").isZero();
        }
    }

    @Test
    void malformedAndForeignMessagesAreAckedCountedAndNeverRedelivered(PubsubEmulator emulator) throws Exception {
        ProjectSubscriptionName sub = emulator.createSubscription(10);
        AckObserver observer = new AckObserver();
        try (RecordingWebhook webhook = new RecordingWebhook()) {
            List<byte[]> messages = List.of(
                    "{not json".getBytes(StandardCharsets.UTF_8),                       // malformed
                    "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8),          // JSON, not a LogEntry
                    "[]".getBytes(StandardCharsets.UTF_8),                            // JSON, no entry at all
                    AuditEntries.computeAudit("gce-1"),                               // audit entry, not k8s
                    AuditEntries.textEntry("text-1"),                                 // not an audit entry
                    AuditEntries.entry("other-1", "staging-7", "").getBytes(StandardCharsets.UTF_8), // another cluster
                    AuditEntries.entry("good-1", "prod-1", "").getBytes(StandardCharsets.UTF_8),
                    AuditEntries.entry("good-2", "prod-1", "").getBytes(StandardCharsets.UTF_8));
            List<String> ids = emulator.publish(sub, messages);
            Running r = start(emulator, sub, observer, List.of("--sink", webhook.url("/k8s-audit"), "--cluster", "prod-1"));
            try {
                assertThat(webhook.awaitDistinct(2, Duration.ofSeconds(60))).isTrue();
                waitFor(() -> observer.acked().containsAll(ids), Duration.ofSeconds(30));
                // Past the subscription's 10 s ack deadline: an unacked message would have come back by now.
                Thread.sleep(12_000);
                assertThat(r.metric("auditbridge.pubsub.messages.received")).as("no redelivery").isEqualTo(messages.size());
                assertThat(r.metric("auditbridge.pubsub.messages.acked")).isEqualTo(messages.size());
                assertThat(r.metric("auditbridge.pubsub.messages.dead_lettered")).isEqualTo(3);
                assertThat(r.metric("auditbridge.pubsub.messages.nacked")).isZero();
                assertThat(r.runtime.metrics().count("auditbridge.events.skipped")).as("skipped records").isEqualTo(3);
                String metrics = get(r.opsPort, "/metrics").body();
                assertThat(metrics).contains("reason=\"other_cluster\"").contains("reason=\"foreign_service\"")
                        .contains("reason=\"not_audit_log\"");
            } finally {
                r.stop();
            }
            assertThat(webhook.delivered()).containsExactlyInAnyOrder("good-1", "good-2");
            assertThat(observer.acked()).containsAll(ids);
            assertThat(observer.nacked()).isEmpty();
            String deadLetters = Files.readString(dir.resolve("dead-letter.ndjson"));
            assertThat(deadLetters.lines()).hasSize(3);
            assertThat(deadLetters).contains(ids.get(0)).contains(ids.get(1)).contains(ids.get(2)).contains("{not json");
            assertThat(emulator.pullWaiting(sub, Duration.ofSeconds(2))).as("nothing left on the subscription").isZero();
        }
    }

    @Test
    void readyzIsFalseWhileTheSubscriptionIsGoneOrTheSinkFails(PubsubEmulator emulator) throws Exception {
        ProjectSubscriptionName sub = emulator.createSubscription(10);
        try (RecordingWebhook webhook = new RecordingWebhook()) {
            AtomicInteger status = new AtomicInteger(200);
            webhook.answer(i -> status.get());
            Running r = start(emulator, sub, new AckObserver(), List.of("--sink", webhook.url("/k8s-audit")));
            try {
                waitFor(() -> readyz(r) == 200, Duration.ofSeconds(30));

                emulator.deleteSubscription(sub);
                waitFor(() -> readyz(r) == 503, Duration.ofSeconds(30));
                emulator.recreateSubscription(sub, 10);
                waitFor(() -> readyz(r) == 200, Duration.ofSeconds(90));

                status.set(503);
                emulator.publish(sub, AuditEntries.k8s("ready", 3, "prod-1", 0));
                waitFor(() -> webhook.requests() > 0 && readyz(r) == 503, Duration.ofSeconds(30));
                status.set(200);
                assertThat(webhook.awaitDistinct(3, Duration.ofSeconds(30))).isTrue();
                waitFor(() -> readyz(r) == 200, Duration.ofSeconds(30));
            } finally {
                r.stop();
            }
        }
    }

    private static int readyz(Running r) {
        try {
            return get(r.opsPort, "/readyz").statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within " + timeout).isLessThan(until);
            Thread.sleep(100);
        }
    }

}
