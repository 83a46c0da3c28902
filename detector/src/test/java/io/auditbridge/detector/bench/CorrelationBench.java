package io.auditbridge.detector.bench;

import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.correlation.CorrelationEngine;
import io.auditbridge.detector.correlation.CorrelationFiles;
import io.auditbridge.detector.correlation.CorrelationLoader;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.rules.RuleSet;
import io.auditbridge.detector.rules.RulesFiles;
import io.auditbridge.detector.rules.RulesLoader;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * In-process bench of the correlation engine (not JMH, not a test): {@code N} generated events (default 1M) from
 * {@code U} distinct users (default 100k), one event every 10 ms of event time, arriving up to 30 s out of order;
 * a mix of forbidden requests, secret reads across namespaces, execs and deletions. Runs the bundled rules alone
 * (baseline) and then with every bundled correlation turned on, in one JVM; prints events/s of each and the heap
 * in use after a full GC at the end of each run. Run it through {@code bench/correlations}.
 */
public final class CorrelationBench {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int maxGroups = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        RuleSet baseRules = new RulesLoader().load("bundled", RulesFiles.bundledText()).build();
        run("bundled rules only", new Detector(baseRules, "bench", Detector.GapListener.NONE), n, users);

        RuleSet rules = new RulesLoader().load("bundled", RulesFiles.bundledText()).build();
        var correlations = new CorrelationLoader().load(CorrelationFiles.BUNDLED_NAME, CorrelationFiles.bundledText())
                .load("enable.correlations.yaml", """
                        - correlation: K8s Mass Pod Deletion
                          enabled: true
                        - correlation: K8s Service Account Token Request Burst
                          enabled: true
                        """).compile(rules);
        PipelineMetrics metrics = PipelineMetrics.inMemory("bench");
        CorrelationEngine engine = new CorrelationEngine(correlations, rules.fields(),
                new CorrelationEngine.Settings(Duration.ofMinutes(3), maxGroups, 100_000), "bench", metrics);
        run("bundled rules + 8 bundled correlations (max groups " + maxGroups + ")",
                new Detector(rules, new io.auditbridge.detector.engine.EngineOptions(io.auditbridge.detector.engine.RuleMatching.ALL,
                        io.auditbridge.detector.engine.RuleSelection.ALL, java.util.List.of(), "bench"), Detector.GapListener.NONE, engine), n, users);
        System.out.printf("  correlation groups live at the end: %.0f, evicted: %.0f, late: %.0f%n",
                (double) engine.liveGroups(),
                metrics.count("auditbridge.correlation.groups.evicted"), metrics.count("auditbridge.correlation.late.events"));
    }

    private static void run(String label, Detector detector, int n, int users) {
        Random random = new Random(7);
        Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
        long alerts = 0;
        long maxUsedMb = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Event e = event(i, random, users, t0);
            alerts += detector.evaluate(e).size();
            if (i % 100_000 == 99_999) {
                maxUsedMb = Math.max(maxUsedMb, usedMb());
            }
        }
        long[] flushed = {0};
        detector.flush(a -> flushed[0]++);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.gc();
        System.out.printf("%s: %d events in %.1f s = %.0f events/s (generation and parse included); alerts %d;"
                        + " heap used sampled max %d MiB, after full GC %d MiB%n",
                label, n, seconds, n / seconds, alerts + flushed[0], maxUsedMb, usedMb());
    }

    private static long usedMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    private static Event event(int i, Random random, int users, Instant t0) {
        long millis = i * 10L - random.nextInt(30_000);
        String time = t0.plusMillis(Math.max(0, millis)).toString();
        String user = "user-" + random.nextInt(users);
        String body = switch (random.nextInt(5)) {
            case 0 -> "\"verb\":\"list\",\"objectRef\":{\"resource\":\"nodes\"},\"responseStatus\":{\"code\":403}";
            case 1 -> "\"verb\":\"get\",\"objectRef\":{\"resource\":\"secrets\",\"namespace\":\"ns-" + random.nextInt(50)
                    + "\",\"name\":\"s\"},\"responseStatus\":{\"code\":200}";
            case 2 -> "\"verb\":\"create\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"name\":\"p\",\"subresource\":\"exec\"},\"responseStatus\":{\"code\":101}";
            case 3 -> "\"verb\":\"delete\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"name\":\"p\"},\"responseStatus\":{\"code\":200}";
            default -> "\"verb\":\"get\",\"objectRef\":{\"resource\":\"configmaps\",\"namespace\":\"default\",\"name\":\"c\"},\"responseStatus\":{\"code\":200}";
        };
        String json = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"id-" + i
                + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/x\"," + body + ",\"user\":{\"username\":\"" + user
                + "\",\"groups\":[\"system:authenticated\"]},\"sourceIPs\":[\"10.0.0." + random.nextInt(250)
                + "\"],\"requestReceivedTimestamp\":\"" + time + "\",\"stageTimestamp\":\"" + time + "\"}";
        try {
            return Event.of((com.fasterxml.jackson.databind.node.ObjectNode) EventJson.MAPPER.readTree(json));
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
