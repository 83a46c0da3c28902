package io.auditbridge.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.detector.DetectorCli;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate} streams: one million generated events (written as kube-apiserver's webhook encodes list
 * items, without kind/apiVersion) piped through a real {@code evaluate} process limited to a 256 MiB heap.
 * Every event is evaluated and every expected alert printed; nothing is stored on disk.
 */
class EvaluateStreamingTest {
    static final int EVENTS = 1_000_000;
    /** Every 100th event is a Secret read by a person, which the bundled rules alert on; the rest are routine. */
    static final int ALERT_EVERY = 100;

    @TempDir
    Path dir;

    static String event(int i) {
        boolean alert = i % ALERT_EVERY == 0;
        String ts = String.format("2026-12-01T%02d:%02d:%02d.%06dZ", (i / 3600) % 24, (i / 60) % 60, i % 60, i % 1_000_000);
        return "{\"level\":\"Metadata\",\"auditID\":\"00000000-0000-4000-8000-" + String.format("%012d", i) + "\",\"stage\":\"ResponseComplete\","
                + "\"requestURI\":\"/api/v1/namespaces/team-" + (i % 7) + (alert ? "/secrets/db" : "/configmaps/settings-" + i) + "\","
                + "\"verb\":\"get\",\"user\":{\"username\":\"" + (alert ? "alice@example.com" : "system:serviceaccount:team-" + (i % 7) + ":app")
                + "\",\"groups\":[\"system:authenticated\"]},\"sourceIPs\":[\"10.12.3." + (i % 250) + "\"],"
                + "\"userAgent\":\"kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46\","
                + "\"objectRef\":{\"resource\":\"" + (alert ? "secrets" : "configmaps") + "\",\"namespace\":\"team-" + (i % 7)
                + "\",\"name\":\"" + (alert ? "db" : "settings-" + i) + "\",\"apiVersion\":\"v1\"},"
                + "\"responseStatus\":{\"metadata\":{},\"code\":200},\"requestReceivedTimestamp\":\"" + ts + "\",\"stageTimestamp\":\"" + ts + "\","
                + "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"\"}}\n";
    }

    @Test
    void aMillionEventsStreamThroughEvaluateUnder256MiB() throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), DetectorCli.class.getName(), "evaluate", "-")
                .redirectError(stderr.toFile()).start();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream in = new BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
                for (int i = 0; i < EVENTS; i++) {
                    in.write(event(i).getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        AtomicLong alerts = new AtomicLong();
        AtomicLong secretAlerts = new AtomicLong();
        AtomicLong correlationAlerts = new AtomicLong();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.contains("\"correlation.type\"")) {
                    // the bundled correlations run too (one identity reading secrets across namespaces): counted apart
                    correlationAlerts.incrementAndGet();
                    continue;
                }
                alerts.incrementAndGet();
                if (line.contains("\"ka.target.resource\":\"secrets\"") || line.contains("secret=db") || line.contains("\"ka.target.name\":\"db\"")) {
                    secretAlerts.incrementAndGet();
                }
            }
        }
        writer.get(10, TimeUnit.MINUTES);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String err = Files.readString(stderr);
        assertThat(p.exitValue()).as(err).isZero();
        long expected = EVENTS / ALERT_EVERY;
        assertThat(err).contains("evaluate: " + EVENTS + " events, " + (expected + correlationAlerts.get()) + " alerts, 0 skipped");
        assertThat(correlationAlerts.get()).as("K8s Secrets Read Across Namespaces fires on the stream").isPositive();
        assertThat(alerts.get()).as("one alert (rule_matching first) per Secret read").isEqualTo(expected);
        assertThat(secretAlerts.get()).isEqualTo(expected);
    }
}
