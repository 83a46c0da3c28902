package io.auditbridge.openshift.bench;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventWriter;
import io.auditbridge.core.Sink;
import io.auditbridge.core.http.HttpReceiverConfig;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.sink.DeadLetterFile;
import io.auditbridge.openshift.ForwardedRecord;
import io.auditbridge.openshift.LoadBodies;
import io.auditbridge.openshift.OpenShiftReceiver;
import io.auditbridge.openshift.OpenShiftTranslator;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Receiver throughput without a webhook in the way: 100 concurrent OkHttp senders on loopback POST 6.x
 * bodies to the receiver; the sink serializes each batch as an EventList (the real cost) and acknowledges.
 * Not a test. Run after {@code ./mvnw -pl bridge-openshift -am test-compile}:
 * {@code java -cp bridge-openshift/target/test-classes:bridge-openshift/target/classes:<deps> io.auditbridge.openshift.bench.ReceiverThroughputBench [rounds]}.
 */
public final class ReceiverThroughputBench {
    private static final int SENDERS = 100;
    private static final int EVENTS_PER_REQUEST = 100;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        AtomicLong sunk = new AtomicLong();
        Sink counting = new Sink() {
            @Override
            public DeliveryResult deliver(List<Event> events) {
                sunk.addAndGet(EventWriter.toEventList(events).length);
                return DeliveryResult.DELIVERED;
            }
        };
        var dead = Files.createTempFile("bench-dead", ".ndjson");
        Pipeline<ForwardedRecord> pipeline = Pipeline.builder(OpenShiftTranslator.PROVIDER, new OpenShiftTranslator(), counting)
                .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION).dedupeWindow(0)
                .batchLimits(new io.auditbridge.core.pipeline.BatchLimits(500, 10L << 20,
                        java.time.Duration.parse(System.getProperty("batchAge", "PT1S")), 256 * 1024))
                .deadLetters(new DeadLetterFile(dead, Clock.systemUTC())).build();
        pipeline.start();
        try (OpenShiftReceiver receiver = OpenShiftReceiver.start(HttpReceiverConfig.builder().host("127.0.0.1").port(0)
                .path(OpenShiftReceiver.DEFAULT_PATH).maxConcurrent(SENDERS + 8).build(),
                new io.auditbridge.core.push.PushDelivery<>(pipeline, io.auditbridge.core.push.PushBudget.UNBOUNDED, java.time.Duration.ofSeconds(5)), null, null)) {
            String url = "http://127.0.0.1:" + receiver.port() + OpenShiftReceiver.DEFAULT_PATH;
            Dispatcher dispatcher = new Dispatcher();
            dispatcher.setMaxRequestsPerHost(SENDERS);
            OkHttpClient client = new OkHttpClient.Builder().dispatcher(dispatcher)
                    .connectionPool(new ConnectionPool(SENDERS, 1, java.util.concurrent.TimeUnit.MINUTES)).build();
            byte[][] bodies = new byte[SENDERS][];
            for (int s = 0; s < SENDERS; s++) {
                bodies[s] = LoadBodies.request(s, 0, EVENTS_PER_REQUEST);
            }
            for (int pass = 0; pass < 2; pass++) { // first pass warms up the JIT
                long t0 = System.nanoTime();
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<?>> all = new ArrayList<>();
                    for (int s = 0; s < SENDERS; s++) {
                        byte[] body = bodies[s];
                        all.add(pool.submit(() -> {
                            for (int r = 0; r < rounds; r++) {
                                try (Response resp = client.newCall(new Request.Builder().url(url)
                                        .post(RequestBody.create(body, MediaType.get("application/json"))).build()).execute()) {
                                    if (resp.code() != 200) {
                                        throw new IllegalStateException("HTTP " + resp.code());
                                    }
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : all) {
                        f.get();
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long events = (long) SENDERS * rounds * EVENTS_PER_REQUEST;
                System.out.printf("%s: %d events (%d requests of %d, %d KiB each) in %.2f s -> %.0f events/s, %.0f requests/s%n",
                        pass == 0 ? "warm-up" : "measured", events, SENDERS * rounds, EVENTS_PER_REQUEST,
                        bodies[0].length / 1024, seconds, events / seconds, SENDERS * rounds / seconds);
            }
        } finally {
            pipeline.close();
            Files.deleteIfExists(dead);
        }
    }
}
