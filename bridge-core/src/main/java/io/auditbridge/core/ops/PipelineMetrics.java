package io.auditbridge.core.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Every counter the pipeline keeps, named once ({@code auditbridge_*} in Prometheus). Tags are bounded:
 * reason codes, never record ids or free text.
 */
public final class PipelineMetrics {
    private final MeterRegistry registry;
    private final String source;
    private final Counter eventsIn;
    private final Counter eventsOut;
    private final Counter deduped;
    private final Counter batchesDelivered;
    private final Counter retries;
    private final Timer sinkLatency;
    private final AtomicLong lagMillis = new AtomicLong(-1);
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    public PipelineMetrics(MeterRegistry registry, String source) {
        this.registry = registry;
        this.source = source;
        this.eventsIn = counter("auditbridge.events.in", "Events produced by the translator");
        this.eventsOut = counter("auditbridge.events.out", "Events acknowledged by the sink");
        this.deduped = counter("auditbridge.events.deduped", "Events dropped as duplicates of (auditID, stage)");
        this.batchesDelivered = Counter.builder("auditbridge.batches").tag("source", source).tag("result", "delivered")
                .description("Batches by outcome").register(registry);
        this.retries = counter("auditbridge.delivery.retries", "Delivery attempts that will be retried");
        this.sinkLatency = Timer.builder("auditbridge.sink.latency").tag("source", source)
                .description("Time the sink took per delivery attempt").register(registry);
        Gauge.builder("auditbridge.lag.seconds", lagMillis, v -> v.get() < 0 ? Double.NaN : v.get() / 1000.0)
                .tag("source", source)
                .description("now - stageTimestamp of the last acknowledged event")
                .register(registry);
    }

    /** Metrics kept in memory only: for tests, one-shot commands and serverless handlers. */
    public static PipelineMetrics inMemory(String source) {
        return new PipelineMetrics(new SimpleMeterRegistry(), source);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void eventsIn(int n) {
        eventsIn.increment(n);
    }

    public void eventsOut(int n) {
        eventsOut.increment(n);
    }

    public void deduped() {
        deduped.increment();
    }

    public void skipped(String reason, int n) {
        tagged("auditbridge.events.skipped", "Records skipped as not for us, by reason", "reason", reason).increment(n);
    }

    public void recordError(String code) {
        tagged("auditbridge.records.errored", "Records (or items) that could not be translated, by code", "code", code)
                .increment();
    }

    public void deadLettered(String reason, int n) {
        tagged("auditbridge.events.dead_lettered", "Events or records written to the dead-letter file, by reason",
                "reason", reason).increment(n);
    }

    public void batchDelivered() {
        batchesDelivered.increment();
    }

    public void batchFailed(String result) {
        tagged("auditbridge.batches", "Batches by outcome", "result", result).increment();
    }

    /** A delivery attempt the sink did not take, by status ("401", "503", "io", "timeout"): auditbridge_sink_errors_total. */
    public void sinkError(String status) {
        tagged("auditbridge.sink.errors", "Delivery attempts the sink did not take, by HTTP status or io/timeout", "status", status)
                .increment();
    }

    public void retry() {
        retries.increment();
    }

    public void sinkLatency(Duration d) {
        sinkLatency.record(d);
    }

    public void lag(Duration d) {
        lagMillis.set(Math.max(0, d.toMillis()));
    }

    public void checkpoint(boolean ok) {
        tagged("auditbridge.checkpoint.commits", "Checkpoint writes by result", "result", ok ? "ok" : "failed")
                .increment();
    }

    /** A source-specific counter (throttling, late events…), registered once under the same conventions. */
    public Counter counter(String name, String description, String... tags) {
        String key = name + '|' + String.join("|", tags);
        return counters.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).tag("source", source)
                .description(description).register(registry));
    }

    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).tags(tags).tag("source", source).description(description).register(registry);
    }

    /** Reads a counter's value, for summaries and tests. */
    public double count(String name, String... tags) {
        double total = 0;
        for (var c : registry.find(name).tags(tags).counters()) {
            total += c.count();
        }
        return total;
    }

    private Counter counter(String name, String description) {
        return counter(name, description, new String[0]);
    }

    private Counter tagged(String name, String description, String tag, String value) {
        return counter(name, description, tag, value);
    }
}
