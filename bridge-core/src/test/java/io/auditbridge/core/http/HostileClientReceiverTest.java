package io.auditbridge.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.HostileClient;
import io.auditbridge.core.testing.MalformedRequests;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared receiver's answers to clients that stall, lie about lengths, or send more than it may hold. */
class HostileClientReceiverTest {
    private static final byte[] GOOD = "[{\"a\":1}]".getBytes(StandardCharsets.UTF_8);

    private static HttpReceiver start(HttpReceiverConfig.Builder b, RequestHandler h) throws Exception {
        return HttpReceiver.start(b.host("127.0.0.1").port(0).path("/in").build(), h);
    }

    private static MalformedRequests.Target target() {
        return new MalformedRequests.Target("/in", Map.of("Content-Type", "application/json"), GOOD, List.of(), 1024 * 1024);
    }

    /** Issue 12: the documented 503 after the request timeout is sent while the body is still being awaited. */
    @Test
    void aBodyThatStopsArrivingIsAnswered503AfterTheRequestTimeoutNotACloseConnection() throws Exception {
        try (HttpReceiver r = start(HttpReceiverConfig.builder().requestTimeout(Duration.ofSeconds(1)).maxConcurrent(2),
                req -> HandlerResponse.text(200, "ok"))) {
            HostileClient client = new HostileClient("127.0.0.1", r.port(), Duration.ofSeconds(20));
            List<String> outcomes = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> f = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    MalformedRequests.Request slow = MalformedRequests.generate(MalformedRequests.Kind.SLOW_BODY, target(), i);
                    f.add(pool.submit(() -> client.send(slow)));
                    Thread.sleep(100);
                }
                for (Future<String> x : f) {
                    outcomes.add(x.get(60, TimeUnit.SECONDS));
                }
            }
            assertThat(outcomes).as("two hold the permits and time out, three find none free").containsExactlyInAnyOrder(
                    "503-timeout", "503-timeout", "503-busy", "503-busy", "503-busy");
        }
    }

    /** Many stalled bodies at once: each is answered 503 (timed out, or no permit free), none is reset or hangs. */
    @Test
    void manyStalledBodiesAtOnceAreEachAnswered503() throws Exception {
        try (HttpReceiver r = start(HttpReceiverConfig.builder().requestTimeout(Duration.ofSeconds(1)).maxConcurrent(64),
                req -> HandlerResponse.text(200, "ok"))) {
            HostileClient client = new HostileClient("127.0.0.1", r.port(), Duration.ofSeconds(40));
            HostileClient.Report report = client.run(target(), List.of(MalformedRequests.Kind.SLOW_BODY), 600, 8, 250);
            System.out.println("600 stalled bodies, 250 at a time, 64 permits:\n" + report);
            assertThat(report.outcomes().get(MalformedRequests.Kind.SLOW_BODY).keySet()).allMatch(o -> o.startsWith("503"));
        }
    }

    /**
     * Issue 12: the connection cap is for floods, not for a burst of stalled bodies the receiver answers itself.
     * The JDK closes connections over its cap at accept, before any handler runs; a client that has written its
     * request then sees a reset instead of the 503. The old cap (512) did that to every stalled body beyond it.
     */
    @Test
    void moreStalledBodiesAtOnceThanTheOldConnectionCapAreEachAnswered503WithRetryAfter() throws Exception {
        try (HttpReceiver r = start(HttpReceiverConfig.builder().requestTimeout(Duration.ofSeconds(2)).maxConcurrent(64),
                req -> HandlerResponse.text(200, "ok"))) {
            HostileClient client = new HostileClient("127.0.0.1", r.port(), Duration.ofSeconds(40));
            HostileClient.Report report = client.run(target(), List.of(MalformedRequests.Kind.SLOW_BODY), 700, 8, 700);
            System.out.println("700 stalled bodies at once, 64 permits:\n" + report);
            assertThat(report.outcomes().get(MalformedRequests.Kind.SLOW_BODY)).containsOnlyKeys("503-timeout", "503-busy");
        }
    }

    /** Issue 12: a declared length far over the limit is answered 413 at once, the body never sent or waited for. */
    @Test
    void aDeclaredLengthOverTheLimitIsAnswered413WithoutWaitingForTheBody() throws Exception {
        try (HttpReceiver r = start(HttpReceiverConfig.builder().maxBodyBytes(1024 * 1024).requestTimeout(Duration.ofMinutes(5)),
                req -> HandlerResponse.text(200, "ok"))) {
            // The client sends headers declaring 10^15 bytes and 4 KB of body, then waits: a 413 must come within
            // the client's 10 s, far below the 5 minute request timeout.
            HostileClient client = new HostileClient("127.0.0.1", r.port(), Duration.ofSeconds(10));
            MalformedRequests.Request huge = MalformedRequests.generate(MalformedRequests.Kind.HUGE_STRINGS, target(), 0);
            assertThat(huge.stall()).isTrue();
            assertThat(client.send(huge)).isEqualTo("413");
        }
    }

    /** Issue 12/15: memory one request may become is charged before it is taken; beyond the budget, 413. */
    @Test
    void aBodyWhoseTreeExceedsTheMemoryBudgetIsAnswered413AndTheBudgetIsReturned() throws Exception {
        try (HttpReceiver r = start(HttpReceiverConfig.builder().budgetBytes(4L * 1024 * 1024),
                req -> {
                    try {
                        req.jsonReader().readTree(req.body());
                    } catch (java.io.IOException e) {
                        throw new BadRequestException("bad");
                    }
                    return HandlerResponse.text(200, "ok");
                })) {
            StringBuilder sb = new StringBuilder("[");
            while (sb.length() < 3 * 1024 * 1024) {
                sb.append("{},");
            }
            sb.append("{}]");
            byte[] body = MalformedRequests.gzip(sb.toString().getBytes(StandardCharsets.US_ASCII));
            HostileClient client = new HostileClient("127.0.0.1", r.port(), Duration.ofSeconds(30));
            String head = "POST /in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            String outcome = client.send(new MalformedRequests.Request(MalformedRequests.Kind.GZIP_BOMB_OR_AMPLIFICATION, 0,
                    MalformedRequests.concat(head.getBytes(StandardCharsets.US_ASCII), body), false));
            assertThat(outcome).isEqualTo("413");
            assertThat(r.budgetUsed()).as("everything returned after the answer").isZero();
            String okHead = "POST /in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + GOOD.length
                    + "\r\nConnection: close\r\n\r\n";
            assertThat(client.send(new MalformedRequests.Request(MalformedRequests.Kind.TRUNCATED_JSON, 0,
                    MalformedRequests.concat(okHead.getBytes(StandardCharsets.US_ASCII), GOOD), false))).isEqualTo("200");
        }
    }
}
