package io.auditbridge.detector.engine;

import io.auditbridge.core.Event;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.correlation.CorrelationEngine;
import io.auditbridge.detector.output.AlertOutput;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Evaluates a batch, hands its alerts to the output, and counts events and alerts: what the sink, the webhook
 * and {@code evaluate} share. Alerts are counted as {@code auditbridge_detector_alerts_total{priority}} and under
 * Falco's own name, {@code falcosecurity_falco_rules_matches_total{rule_name,priority,source,tags}}.
 */
public final class BatchEvaluator implements AutoCloseable {
    /** Falco's rule counter; Prometheus shows it as {@code falcosecurity_falco_rules_matches_total}. */
    public static final String FALCO_MATCHES = "falcosecurity.falco.rules.matches";

    private final Supplier<Detector> detector;
    private final AlertOutput output;
    private final PipelineMetrics metrics;
    private final ConcurrentHashMap<MatchKey, Counter> matches = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> byPriority = new ConcurrentHashMap<>();

    /** What tells Falco's rule counters apart (a record: no key text built per alert). */
    private record MatchKey(String rule, String priority, List<String> tags) {}
    private final List<Alert> carried = new ArrayList<>();

    public BatchEvaluator(Detector detector, AlertOutput output, PipelineMetrics metrics) {
        this(() -> detector, output, metrics);
    }

    public BatchEvaluator(Supplier<Detector> detector, AlertOutput output, PipelineMetrics metrics) {
        this.detector = detector;
        this.output = output;
        this.metrics = metrics;
    }

    /**
     * @return the number of alerts, all published
     * @throws IOException when the output failed (nothing is counted then; the caller has the batch retried)
     */
    public int evaluate(List<Event> events) throws IOException, InterruptedException {
        Detector d = detector.get();
        List<Alert> alerts = takeCarried();
        for (Event e : events) {
            d.evaluate(e, alerts::add);
        }
        publishOrCarry(alerts);
        metrics.counter("auditbridge.detector.events", "Events evaluated by the detector").increment(events.size());
        return alerts.size();
    }

    /**
     * The end of a stream (input done, shutting down): the correlations' waiting matches are applied, their open
     * windows judged, and the alerts that raises published.
     *
     * @return the number of alerts published
     */
    public int flush() throws IOException, InterruptedException {
        List<Alert> alerts = takeCarried();
        detector.get().flush(alerts::add);
        publishOrCarry(alerts);
        return alerts.size();
    }

    private List<Alert> takeCarried() {
        synchronized (carried) {
            List<Alert> alerts = new ArrayList<>(carried);
            carried.clear();
            return alerts;
        }
    }

    /**
     * A failed publish has the batch retried, and the retry raises its one-event alerts again; but the correlation
     * engine has already counted those events (a retry is a duplicate to it), so the alerts it raised are kept
     * here and published with the next batch instead.
     */
    private void publishOrCarry(List<Alert> alerts) throws IOException, InterruptedException {
        try {
            publish(alerts);
        } catch (IOException | InterruptedException | RuntimeException e) {
            synchronized (carried) {
                alerts.stream().filter(CorrelationEngine::raised).forEach(carried::add);
            }
            throw e;
        }
    }

    /** Publishes and counts alerts raised elsewhere (a streaming reader, a correlation engine). */
    public void publish(List<Alert> alerts) throws IOException, InterruptedException {
        try {
            output.publish(alerts);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
        for (Alert a : alerts) {
            byPriority.computeIfAbsent(a.priority(), p -> metrics.counter("auditbridge.detector.alerts", "Alerts raised, by priority", "priority", p))
                    .increment();
            falcoCounter(a).increment();
        }
    }

    private Counter falcoCounter(Alert a) {
        return matches.computeIfAbsent(new MatchKey(a.rule(), a.priority(), a.tags()), k -> {
            // As Falco: the priority as its number (0 emergency … 7 debug), the tags sorted and joined by ", ".
            String priority = Integer.toString(io.auditbridge.detector.rules.Priority.parse(a.priority()).ordinal());
            return Counter.builder(FALCO_MATCHES)
                    .description("https://falco.org/docs/metrics/")
                    .tags("rule_name", a.rule(), "priority", priority, "source", Alert.SOURCE,
                            "tags", String.join(", ", new TreeSet<>(a.tags())))
                    .register(metrics.registry());
        });
    }

    public Detector detector() {
        return detector.get();
    }

    /** Where alerts go, for logs. */
    public String describeOutput() {
        return output.describe();
    }

    @Override
    public void close() throws IOException {
        output.close();
    }
}
