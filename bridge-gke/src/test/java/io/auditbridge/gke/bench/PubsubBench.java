package io.auditbridge.gke.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.pubsub.v1.ProjectSubscriptionName;
import io.auditbridge.gke.pubsub.AuditEntries;
import io.auditbridge.gke.pubsub.PubsubEmulator;
import io.auditbridge.gke.pubsub.PubsubEmulatorExtension;
import io.auditbridge.gke.pubsub.RecordingWebhook;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whole-process benchmark of {@code bridge-gke run --source pubsub}: N LogEntry messages waiting on an emulator
 * subscription, one subscriber process, a loopback webhook answering 200. Events/s = N over the time from the first
 * to the last event the webhook received (process start-up left out). Next to it, in the same run and on the same
 * entries, the bare-Jackson baseline: read each entry as a tree and write it back. Medians of the runs, and the ratio.
 * A measurement, not a test. Usage (from the repository root, after test-compile):
 * {@code java -cp <bridge-gke test classpath> io.auditbridge.gke.bench.PubsubBench [events] [runs]}
 */
public final class PubsubBench {
    private PubsubBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<byte[]> entries = AuditEntries.k8s("bench", n, "prod-1", 0);
        long bytes = entries.stream().mapToLong(e -> e.length).sum();
        List<Double> subscriber = new ArrayList<>();
        List<Double> jackson = new ArrayList<>();
        try (PubsubEmulator emulator = PubsubEmulator.start(PubsubEmulatorExtension.locate())) {
            for (int run = 0; run < runs; run++) {
                jackson.add(jackson(entries));
                subscriber.add(subscriber(emulator, entries, run));
                System.out.printf("run %d: subscriber %.0f events/s, jackson %.0f events/s%n", run + 1,
                        subscriber.getLast(), jackson.getLast());
            }
        }
        double s = median(subscriber);
        double j = median(jackson);
        System.out.printf("%d entries (%d B each on average), %d runs: subscriber median %.0f events/s; "
                        + "bare Jackson read+write median %.0f events/s; ratio %.3f; load average %s%n",
                n, bytes / n, runs, s, j, s / j, Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private static double subscriber(PubsubEmulator emulator, List<byte[]> entries, int run) throws Exception {
        ProjectSubscriptionName sub = emulator.createSubscription(60);
        emulator.publish(sub, entries);
        try (RecordingWebhook webhook = new RecordingWebhook()) {
            long[] first = {0};
            webhook.beforeAnswer((ids, code) -> {
                synchronized (first) {
                    if (first[0] == 0) {
                        first[0] = System.nanoTime();
                    }
                }
            });
            Path log = Files.createTempFile("pubsub-bench-", ".log");
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "io.auditbridge.gke.GkeBridge", "run",
                    "--source", "pubsub", "--subscription", sub.toString(), "--pubsub-endpoint", emulator.endpoint(),
                    "--sink", webhook.url("/k8s-audit"), "--metrics-port", "-1",
                    "--dead-letter-file", log.resolveSibling("pubsub-bench-dead-letter.ndjson").toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                if (!webhook.awaitDistinct(entries.size(), Duration.ofMinutes(10), p)) {
                    throw new IllegalStateException("run " + run + ": only " + webhook.delivered().size() + " delivered; see " + log);
                }
                long last = System.nanoTime();
                return entries.size() / ((last - first[0]) / 1e9);
            } finally {
                p.destroy();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static double jackson(List<byte[]> entries) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        for (int warm = 0; warm < 2; warm++) {
            for (byte[] e : entries) {
                mapper.writeValue(sink, mapper.readTree(e));
                sink.reset();
            }
        }
        long t0 = System.nanoTime();
        for (byte[] e : entries) {
            JsonNode tree = mapper.readTree(e);
            mapper.writeValue(sink, tree);
            sink.reset();
        }
        return entries.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }
}
