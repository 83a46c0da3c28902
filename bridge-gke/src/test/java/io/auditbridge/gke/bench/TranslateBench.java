package io.auditbridge.gke.bench;

import com.google.logging.v2.LogEntry;
import io.auditbridge.core.Event;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.gke.LogEntryJsonTranslator;
import io.auditbridge.gke.LogEntryTranslator;
import java.io.IOException;
import java.io.InputStream;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Single-thread translate throughput, per LogEntry, including writing the Event's JSON bytes (what the sink
 * sends). {@code proto*}: entries decoded from protobuf as the client library returns them (the {@code run} path);
 * {@code json*}: LogEntry JSON as a Pub/Sub message or a saved file carries it (the function / translate path).
 *
 * <p>Run: {@code java -cp <test classpath> org.openjdk.jmh.Main TranslateBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TranslateBench {
    /** A mix of what a cluster logs: a pod create with bodies, a 404 delete, an exec, metadata-only entries. */
    private static final String[] MIX = {"pod-create", "delete-404", "exec-first", "configmap-create", "node-proxy", "pod-status", "denied-403", "pod-log"};

    private final LogEntryTranslator translator = new LogEntryTranslator();
    private final LogEntryJsonTranslator jsonTranslator = new LogEntryJsonTranslator(new LogEntryTranslator());
    /** Entries in protobuf wire form: each op decodes a fresh LogEntry, as gRPC hands one to the poller (a reused
     *  LogEntry would let {@code Any.unpack} answer from its cache). */
    private final List<byte[]> protoMix = new ArrayList<>();
    private final List<SourceRecord<byte[]>> jsonMix = new ArrayList<>();
    private byte[] podCreate;
    private int i;

    @Setup
    public void load() throws Exception {
        for (String name : MIX) {
            byte[] json = fixture(name);
            jsonMix.add(SourceRecord.unpositioned(name, json));
            Translation t = new LogEntryJsonTranslator(translator).translate(SourceRecord.unpositioned(name, json));
            if (t.events().isEmpty()) {
                throw new IllegalStateException(name + " translated to nothing");
            }
            protoMix.add(parse(json).toByteArray());
        }
        podCreate = protoMix.getFirst();
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = TranslateBench.class.getResourceAsStream("/logentries/" + name + ".json")) {
            return in.readAllBytes();
        }
    }

    /** JSON → proto the way the JSON path does it, once, so the proto benchmarks start from a client-library entry. */
    private static LogEntry parse(byte[] json) throws Exception {
        LogEntry.Builder b = LogEntry.newBuilder();
        com.google.protobuf.util.JsonFormat.parser()
                .usingTypeRegistry(com.google.protobuf.TypeRegistry.newBuilder().add(com.google.cloud.audit.AuditLog.getDescriptor()).build())
                .ignoringUnknownFields().merge(new String(json, java.nio.charset.StandardCharsets.UTF_8), b);
        return b.build();
    }

    private static void consume(Translation t, Blackhole bh) {
        for (Event e : t.events()) {
            bh.consume(e.toJsonBytes());
        }
    }

    @Benchmark
    public void protoPodCreateWithBodies(Blackhole bh) throws Exception {
        consume(translator.translate(new SourceRecord<>("gke", null, "b", LogEntry.parseFrom(podCreate))), bh);
    }

    @Benchmark
    public void protoMix(Blackhole bh) throws Exception {
        consume(translator.translate(new SourceRecord<>("gke", null, "b", LogEntry.parseFrom(protoMix.get(i++ & 7)))), bh);
    }

    /**
     * Yardstick for a loaded machine: Jackson reading and writing back the same entries' JSON, the floor any
     * JSON-to-JSON translation pays (java-stack.md §6 measured 161 k/s for 1.4 KB events on a quiet core).
     */
    @Benchmark
    public void referenceJacksonReadWriteMix(Blackhole bh) throws IOException {
        bh.consume(io.auditbridge.core.EventJson.write(io.auditbridge.core.EventJson.MAPPER.readTree(jsonMix.get(i++ & 7).payload())));
    }

    @Benchmark
    public void jsonMix(Blackhole bh) {
        consume(jsonTranslator.translate(jsonMix.get(i++ & 7)), bh);
    }
}
