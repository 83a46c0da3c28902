package io.auditbridge.openshift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100 collectors posting at once on loopback: every audit Event reaches the webhook exactly once. The
 * throughput is printed for the README, not asserted (the machine is shared).
 */
@Tag("realtime") // many concurrent senders for a while: run by failsafe in ./mvnw verify
class ConcurrentSendersLoadTest {
    private static final int SENDERS = 100;
    private static final int REQUESTS_PER_SENDER = 5;
    private static final int EVENTS_PER_REQUEST = 40;

    @TempDir
    Path dir;

    @Test
    void hundredConcurrentSendersDeliverEveryEventOnce() throws Exception {
        try (ReceiverHarness h = new ReceiverHarness(dir, ReceiverHarness.withToken(dir).maxConcurrent(128), "load")) {
            List<Future<List<Integer>>> senders = new ArrayList<>();
            long t0 = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int s = 0; s < SENDERS; s++) {
                    int sender = s;
                    senders.add(pool.submit(() -> {
                        List<Integer> codes = new ArrayList<>();
                        for (int r = 0; r < REQUESTS_PER_SENDER; r++) {
                            try (Response resp = h.post(LoadBodies.request(sender, r, EVENTS_PER_REQUEST), "application/json")) {
                                codes.add(resp.code());
                            }
                        }
                        return codes;
                    }));
                }
                for (Future<List<Integer>> f : senders) {
                    // A bound so a hang fails the test instead of the build; not a speed assertion.
                    assertThat(f.get(120, TimeUnit.SECONDS)).containsOnly(200);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int expected = SENDERS * REQUESTS_PER_SENDER * EVENTS_PER_REQUEST;

            List<JsonNode> delivered = h.delivered();
            Map<String, Integer> perId = new HashMap<>();
            for (JsonNode e : delivered) {
                perId.merge(e.path("auditID").asText(), 1, Integer::sum);
            }
            assertThat(delivered).hasSize(expected);
            assertThat(perId).hasSize(expected).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            var sinkLatency = h.pipeline.metrics().registry().find("auditbridge.sink.latency").timer();
            System.out.printf("load: %d senders x %d requests x %d events = %d events in %.2f s -> %.0f events/s"
                            + " (%d webhook batches, mean webhook latency %.1f ms)%n",
                    SENDERS, REQUESTS_PER_SENDER, EVENTS_PER_REQUEST, expected, seconds, expected / seconds,
                    sinkLatency.count(), sinkLatency.mean(TimeUnit.MILLISECONDS));
        }
    }
}
