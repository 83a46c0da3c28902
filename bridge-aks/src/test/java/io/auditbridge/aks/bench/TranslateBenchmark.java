package io.auditbridge.aks.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.aks.DiagnosticRecordTranslator;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.testing.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * AKS translate throughput, single thread: Event Hubs message bodies of 50 Diagnostic Settings records each
 * (~1.5 KB audit Events as JSON strings in properties.log, plus one klog record to skip per message) →
 * validated, annotated Events, and their compact JSON as the sink sends it. Ops = audit events.
 * Run with {@code bench/run bridge-aks TranslateBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TranslateBenchmark {
    private static final int MESSAGES = 20;
    private static final int EVENTS_PER_MESSAGE = 50;
    private static final String RESOURCE_ID = "/SUBSCRIPTIONS/0B1C2D3E-0000-4000-8000-00000000A1B2/RESOURCEGROUPS/RG"
            + "/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/PROD-WEU-1";

    private final DiagnosticRecordTranslator translator = new DiagnosticRecordTranslator();
    private SourceRecord<byte[]>[] messages;

    @Setup
    @SuppressWarnings("unchecked")
    public void setUp() {
        messages = new SourceRecord[MESSAGES];
        int n = 0;
        for (int m = 0; m < MESSAGES; m++) {
            ObjectNode root = EventJson.MAPPER.createObjectNode();
            ArrayNode records = root.putArray("records");
            for (int i = 0; i < EVENTS_PER_MESSAGE; i++) {
                record(records, i % 2 == 0 ? "kube-audit" : "kube-audit-admin", SampleEvents.json(n++) + "\n");
            }
            record(records, "kube-apiserver", "I1129 10:15:02.475573       1 httplog.go:132] \"HTTP\" verb=\"GET\" URI=\"/readyz\"\n");
            messages[m] = new SourceRecord<>("0", null, "m" + m, root.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void record(ArrayNode records, String category, String log) {
        ObjectNode r = records.addObject();
        r.put("operationName", "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read").put("category", category)
                .put("resourceId", RESOURCE_ID).put("time", "2026-11-29T10:15:03.0000000Z");
        r.putObject("properties").put("log", log).put("stream", "stdout").put("pod", "kube-apiserver-7c9d8f6b5-x2k4q");
    }

    /** Body → Events (parse envelope, parse and validate each log, annotate). */
    @Benchmark
    @OperationsPerInvocation(MESSAGES * EVENTS_PER_MESSAGE)
    public void translate(Blackhole bh) {
        for (SourceRecord<byte[]> m : messages) {
            bh.consume(translator.translate(m));
        }
    }

    /** Body → Events → the compact JSON each Event is sent as: the whole per-event CPU cost of the bridge. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES * EVENTS_PER_MESSAGE)
    public void translateAndSerialize(Blackhole bh) {
        for (SourceRecord<byte[]> m : messages) {
            Translation t = translator.translate(m);
            for (Event e : t.events()) {
                bh.consume(e.toJsonBytes());
            }
        }
    }
}
