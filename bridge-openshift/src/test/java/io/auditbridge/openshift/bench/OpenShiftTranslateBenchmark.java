package io.auditbridge.openshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventWriter;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.openshift.ForwardedRecord;
import io.auditbridge.openshift.ForwarderBody;
import io.auditbridge.openshift.LoadBodies;
import io.auditbridge.openshift.OpenShiftTranslator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receiver's CPU work per request without the network: split a 100-Event 6.x body, translate every record
 * (classify, strip, annotate) and write the Events as the sink's EventList. Score = bodies/s; × 100 = Events/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OpenShiftTranslateBenchmark {
    private byte[] body;
    private final OpenShiftTranslator translator = new OpenShiftTranslator();

    @Setup
    public void setUp() {
        body = LoadBodies.request(1, 1, 100);
    }

    @Benchmark
    public byte[] splitTranslateWrite() {
        List<JsonNode> records = ForwarderBody.records(body);
        List<Event> events = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            Translation t = translator.translate(SourceRecord.unpositioned("b#" + i, new ForwardedRecord(records.get(i), "bench")));
            events.addAll(t.events());
        }
        return EventWriter.toEventList(events);
    }
}
