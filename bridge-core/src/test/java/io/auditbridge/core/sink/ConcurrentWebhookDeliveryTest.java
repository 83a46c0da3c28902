package io.auditbridge.core.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.pipeline.Submission;
import io.auditbridge.core.testing.MemoryCheckpointStore;
import io.auditbridge.core.pipeline.BatchLimits;
import io.auditbridge.core.testing.ListSource;
import io.auditbridge.core.testing.ManualClock;
import io.auditbridge.core.testing.RecordingSleeper;
import io.auditbridge.core.testing.SampleEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several batches on their way to a real HTTP webhook at once ({@code maxConcurrentRequests}): never more than
 * allowed, an event is acknowledged only by the 2xx of its own request, and a position is committed only once
 * every batch before it was acknowledged, whatever order the answers come in.
 */
class ConcurrentWebhookDeliveryTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(1_800_000_000_000L);
    /** Requests the webhook holds until the test answers them, with their EventList's auditIDs. */
    private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final List<String> acknowledged = new ArrayList<>();
    private HttpServer webhook;

    private record Held(List<String> auditIds, CompletableFuture<Integer> answer) {}

    @BeforeEach
    void startWebhook() throws IOException {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        webhook.setExecutor(Executors.newCachedThreadPool());
        webhook.createContext("/k8s-audit", this::hold);
        webhook.start();
    }

    private void hold(HttpExchange exchange) throws IOException {
        try (exchange) {
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            List<String> ids = SampleEvents.auditIds(exchange.getRequestBody().readAllBytes());
            Held h = new Held(ids, new CompletableFuture<>());
            held.add(h);
            int status = h.answer().join();
            if (status / 100 == 2) {
                synchronized (acknowledged) {
                    acknowledged.addAll(ids);
                }
            }
            open.decrementAndGet();
            exchange.sendResponseHeaders(status, -1);
        }
    }

    @AfterEach
    void stopWebhook() {
        held.forEach(h -> h.answer().complete(200));
        webhook.stop(0);
    }

    private Held nextRequest() throws InterruptedException {
        Held h = held.poll(60, TimeUnit.SECONDS);
        assertThat(h).as("a request reached the webhook").isNotNull();
        return h;
    }

    @Test
    void threeBatchesGoOutAtOnceAndTheCommitWaitsForTheOldestUnacknowledgedOne() throws Exception {
        WebhookSink sink = WebhookSink.builder("http://127.0.0.1:" + webhook.getAddress().getPort() + "/k8s-audit")
                .maxConcurrentRequests(3).build();
        assertThat(sink.maxConcurrentDeliveries()).isEqualTo(3);
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        try (Pipeline<byte[]> p = Pipeline.builder("test", new K8sEventTranslator(null, Map.of()), sink)
                .checkpoints(store)
                .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), clock))
                // Ten events a batch, sent when full: six batches for sixty events.
                .batchLimits(new BatchLimits(10, 10 * 1024 * 1024, Duration.ofHours(1), 256 * 1024))
                .clock(clock).sleeper(new RecordingSleeper(clock)).build()) {
            p.start();
            List<Submission> batches = new ArrayList<>();
            for (int b = 0; b < 6; b++) {
                batches.add(p.submit(ListSource.records(1 + b * 10, 10)));
            }
            List<Held> first = List.of(nextRequest(), nextRequest(), nextRequest());
            assertThat(open.get()).as("three requests in flight at once").isEqualTo(3);
            assertThat(batches).noneMatch(s -> s.done().isDone());

            // The batch holding events 11..20 is answered first: only its own submission is done.
            Held second = first.stream().filter(h -> h.auditIds().contains(SampleEvents.auditId(11))).findFirst().orElseThrow();
            assertThat(second.auditIds()).hasSize(10);
            second.answer().complete(200);
            batches.get(1).done().get(60, TimeUnit.SECONDS);
            Held fourth = nextRequest(); // the freed delivery thread committed what it could, then took the next batch
            assertThat(batches.get(0).done()).isNotDone();
            assertThat(p.committedPositions()).as("events 1..10 are not acknowledged yet").isEmpty();
            assertThat(store.load()).isEmpty();

            // A 503 is retried, on its own request, and only its 2xx acknowledges it.
            fourth.answer().complete(503);
            Held retried = nextRequest();
            assertThat(retried.auditIds()).isEqualTo(fourth.auditIds());

            List<Held> rest = new ArrayList<>(first);
            rest.remove(second);
            rest.add(retried);
            rest.forEach(h -> h.answer().complete(200));
            while (!batches.stream().allMatch(s -> s.done().isDone())) {
                Held h = held.poll(100, TimeUnit.MILLISECONDS);
                if (h != null) {
                    h.answer().complete(200);
                }
            }
            for (Submission s : batches) {
                s.done().get(); // none failed
            }
            p.drain(Duration.ofMinutes(1));
            assertThat(p.committedPositions()).isEqualTo(Map.of("p", "60"));
        }
        assertThat(mostOpen.get()).as("never more requests in flight than allowed").isEqualTo(3);
        synchronized (acknowledged) {
            assertThat(acknowledged).hasSize(60)
                    .containsExactlyInAnyOrderElementsOf(SampleEvents.events(1, 60).stream().map(e -> e.auditId()).toList());
        }
    }
}
