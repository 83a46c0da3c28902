package io.auditbridge.core.bench;

import io.auditbridge.core.Event;
import io.auditbridge.core.EventReader;
import io.auditbridge.core.EventWriter;
import io.auditbridge.core.testing.SampleEvents;
import java.io.IOException;
import java.io.OutputStream;
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

/**
 * Event parse + write on ~1.5 KB audit events, single thread: the per-event cost every bridge pays.
 * Run with {@code bench/run bridge-core EventCodecBenchmark}; results in events/s (ops = events).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventCodecBenchmark {
    private static final int N = 1000;
    private byte[][] lines;
    private byte[] eventList;
    private final OutputStream sinkhole = new OutputStream() {
        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    };

    @Setup
    public void setUp() {
        lines = new byte[N][];
        for (int i = 0; i < N; i++) {
            lines[i] = SampleEvents.json(i).getBytes(StandardCharsets.UTF_8);
        }
        eventList = EventWriter.toEventList(SampleEvents.events(0, N));
    }

    /** NDJSON line → Event → NDJSON line (pass-through, as the EKS/AKS/OpenShift bridges do). */
    @Benchmark
    @OperationsPerInvocation(N)
    public void parseAndWriteNdjson() throws IOException {
        for (byte[] line : lines) {
            for (Event e : EventReader.readEvents(line)) {
                EventWriter.writeNdjson(sinkhole, e);
            }
        }
    }

    /** NDJSON line → Event → one annotation added (forces re-serialization) → written. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void parseAnnotateAndWrite() throws IOException {
        for (byte[] line : lines) {
            for (Event e : EventReader.readEvents(line)) {
                e.putAnnotation("cluster_name", "prod-eu1");
                EventWriter.writeNdjson(sinkhole, e);
            }
        }
    }

    /** An EventList of 1000 → Events → one EventList (the detector's and a receiver's path). */
    @Benchmark
    @OperationsPerInvocation(N)
    public void eventListRoundTrip() throws IOException {
        EventWriter.writeEventList(sinkhole, EventReader.readEvents(eventList));
    }
}
