package io.auditbridge.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.sink.DeadLetterFile;
import io.auditbridge.core.sink.WebhookSink;
import io.auditbridge.core.testing.ListSource;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A webhook that accepts connections and never answers: the source must stall at the in-flight bound. */
@Tag("realtime") // a webhook that never answers holds the source for real: run by failsafe in ./mvnw verify
class BackPressureTest {
    private static final int BOUND_EVENTS = 100;
    private static final long BOUND_BYTES = 512 * 1024;

    @TempDir
    Path dir;

    @Test
    void aSinkThatNeverAnswersStallsTheSourceAtTheInFlightBound() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // read nothing, answer nothing
                    }
                } catch (Exception closed) {
                    // server socket closed at the end of the test
                }
            });
            WebhookSink sink = WebhookSink.builder("http://127.0.0.1:" + silent.getLocalPort() + "/k8s-audit")
                    .requestTimeout(Duration.ofMinutes(10)).build();
            Pipeline<byte[]> p = Pipeline.builder("test", new K8sEventTranslator(null, Map.of()), sink)
                    .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), Clock.systemUTC()))
                    .batchLimits(new BatchLimits(10, 1024 * 1024, Duration.ofMillis(1), 256 * 1024))
                    .maxInFlight(BOUND_EVENTS, BOUND_BYTES)
                    .shutdownTimeout(Duration.ofMillis(200))
                    .build();
            p.start();

            int input = 50_000; // ~75 MB of events if they were all buffered
            AtomicInteger submitted = new AtomicInteger();
            AtomicInteger maxInFlight = new AtomicInteger();
            Thread source = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 1; i <= input; i++) {
                        p.submit(ListSource.records(i, 1));
                        submitted.incrementAndGet();
                        maxInFlight.accumulateAndGet((int) p.inFlightEvents(), Math::max);
                    }
                } catch (InterruptedException | IllegalStateException stopped) {
                    // the test stops the pipeline while the source is blocked
                }
            });

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (source.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(5); // waiting for a condition (the source blocked), not measuring time
            }
            assertThat(source.getState()).as("the source is blocked by back-pressure").isEqualTo(Thread.State.WAITING);
            assertThat(submitted.get()).isLessThanOrEqualTo(BOUND_EVENTS).isLessThan(input);
            assertThat(p.inFlightEvents()).isLessThanOrEqualTo(BOUND_EVENTS);
            assertThat(p.inFlightBytes()).isLessThanOrEqualTo(BOUND_BYTES);
            assertThat(maxInFlight.get()).isLessThanOrEqualTo(BOUND_EVENTS);

            source.interrupt();
            source.join(TimeUnit.SECONDS.toMillis(10));
            p.close();
            acceptor.interrupt();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
