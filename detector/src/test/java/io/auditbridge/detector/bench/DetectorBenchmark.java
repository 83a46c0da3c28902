package io.auditbridge.detector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventReader;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.rules.RulesFiles;
import io.auditbridge.detector.rules.RuleSet;
import io.auditbridge.detector.rules.RulesLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Events per second through the full rule set on one thread. The events are the rule-pair fixtures (every
 * rule's firing event and its near miss, 86 events, many with request bodies), evaluated round-robin.
 * {@code evaluate}: Events already parsed (the embedded sink's case); {@code parseAndEvaluate}: from the
 * compact JSON bytes (the webhook's case). Rules: upstream file from -Dauditbridge.shared.dir, else bundled.
 *
 * <pre>java -cp … org.openjdk.jmh.Main DetectorBenchmark -Dauditbridge.shared.dir=../shared</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DetectorBenchmark {
    static final int EVENTS = 86;

    @Param({"upstream", "bundled"})
    String rules;

    Detector detector;
    List<Event> events;
    List<byte[]> bytes;

    @Setup
    public void setup() throws Exception {
        detector = new Detector(ruleSet(rules), "bench", Detector.GapListener.NONE);
        JsonNode table = TestEvents.resource("/upstream/rule-pairs.json");
        events = new ArrayList<>();
        for (JsonNode pair : table.get("pairs")) {
            events.add(TestEvents.event(table.get("base"), pair.get("fires")));
            events.add(TestEvents.event(table.get("base"), pair.get("fires"), pair.get("nearMiss")));
        }
        bytes = events.stream().map(Event::toJsonBytes).toList();
        if (events.size() != EVENTS) {
            throw new IllegalStateException("expected " + EVENTS + " events, got " + events.size());
        }
    }

    static RuleSet ruleSet(String which) throws Exception {
        if (which.equals("upstream")) {
            Path p = Path.of(System.getProperty("auditbridge.shared.dir", "../shared"), "falco", "k8s_audit_rules.yaml");
            if (!Files.isReadable(p)) {
                throw new IllegalStateException("upstream rules not found at " + p + " (set -Dauditbridge.shared.dir)");
            }
            return new RulesLoader().load(p).build();
        }
        return RulesFiles.load(List.of());
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void evaluate(Blackhole bh) {
        for (Event e : events) {
            for (Alert a : detector.evaluate(e)) {
                bh.consume(a);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void parseAndEvaluate(Blackhole bh) {
        for (byte[] b : bytes) {
            for (Event e : EventReader.readEvents(b)) {
                for (Alert a : detector.evaluate(e)) {
                    bh.consume(a);
                }
            }
        }
    }
}
