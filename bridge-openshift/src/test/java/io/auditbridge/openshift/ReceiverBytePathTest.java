package io.auditbridge.openshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.Sink;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.http.HandlerResponse;
import io.auditbridge.core.http.ReceivedRequest;
import io.auditbridge.core.http.RequestBudget;
import io.auditbridge.core.pipeline.BatchLimits;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.push.PushBudget;
import io.auditbridge.core.push.PushDelivery;
import io.auditbridge.core.sink.DeadLetterFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The receiver reads a request's records from their bytes (no tree per record, the collector's members cut out of
 * the record's own bytes). What reaches the sink must be exactly what the earlier receiver sent, which built a tree
 * of every record and translated that: the same Event bytes in the same order, the same skips, and the same record
 * errors, counted and logged with the record's id. A record the byte path leaves to the tree path is built against
 * the request's memory budget, as every record was before.
 */
class ReceiverBytePathTest {
    @TempDir
    Path dir;

    /** What one request came to: the Events' bytes as the sink got them, skips by reason, errors as "code recordId auditId". */
    private record Result(List<String> events, Map<String, Integer> skipped, List<String> errors) {}

    /** The earlier receiver: every record a tree ({@link ForwarderBody#records}), translated from the tree. */
    private static Result viaTrees(byte[] body, String cluster) throws Exception {
        OpenShiftTranslator translator = new OpenShiftTranslator();
        List<String> events = new ArrayList<>();
        Map<String, Integer> skipped = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        List<JsonNode> records = ForwarderBody.records(body);
        for (int i = 0; i < records.size(); i++) {
            Translation t = translator.translate(SourceRecord.unpositioned("req-1#" + i, new ForwardedRecord(records.get(i), cluster)));
            for (Event e : t.events()) {
                events.add(new String(e.toJsonBytes(), StandardCharsets.UTF_8));
            }
            t.skipped().forEach((reason, n) -> skipped.merge(reason, n, Integer::sum));
            for (RecordError err : t.errors()) {
                errors.add(err.code() + " " + (err.recordId() != null ? err.recordId() : "req-1#" + i) + " " + err.auditId());
            }
        }
        return new Result(events, skipped, errors);
    }

    /** A pipeline whose sink keeps each Event's bytes, in order (one delivery at a time), dedupe off. */
    private final class Receiver implements AutoCloseable {
        final List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        final Pipeline<ForwardedRecord> pipeline;
        final ForwarderHandler handler;
        final ListAppender<ILoggingEvent> logs = new ListAppender<>();
        final Logger pipelineLog = (Logger) LoggerFactory.getLogger(Pipeline.class);

        Receiver(BatchLimits limits) throws Exception {
            Sink sink = events -> {
                for (Event e : events) {
                    delivered.add(new String(e.toJsonBytes(), StandardCharsets.UTF_8));
                }
                return DeliveryResult.DELIVERED;
            };
            pipeline = Pipeline.builder(OpenShiftTranslator.PROVIDER, new OpenShiftTranslator(), sink)
                    .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION).dedupeWindow(0).batchLimits(limits)
                    .deadLetters(new DeadLetterFile(dir.resolve("dead-" + System.nanoTime() + ".ndjson"), Clock.systemUTC()))
                    .build();
            pipeline.start();
            handler = new ForwarderHandler(new PushDelivery<>(pipeline, PushBudget.forDeadline(Duration.ofSeconds(30), null),
                    Duration.ofSeconds(5)), null, OpenShiftReceiver.DEFAULT_CLUSTER_NAME_HEADER);
            logs.start();
            pipelineLog.addAppender(logs);
        }

        Receiver() throws Exception {
            this(new BatchLimits(500, 10L * 1024 * 1024, Duration.ofMillis(20), 256 * 1024));
        }

        HandlerResponse post(byte[] body, String cluster) throws Exception {
            Map<String, List<String>> headers = cluster == null ? Map.of()
                    : Map.of(OpenShiftReceiver.DEFAULT_CLUSTER_NAME_HEADER, List.of(cluster));
            return handler.handle(new ReceivedRequest(OpenShiftReceiver.DEFAULT_PATH, null, headers, body, "test"));
        }

        Result result(HandlerResponse answer) throws Exception {
            JsonNode counts = EventJson.MAPPER.readTree(answer.body());
            Map<String, Integer> skipped = new TreeMap<>();
            for (String reason : List.of("auditd", "ovn", "not_audit_event")) {
                int n = (int) pipeline.metrics().count("auditbridge.events.skipped", "reason", reason);
                if (n > 0) {
                    skipped.put(reason, n);
                }
            }
            assertThat(counts.path("skipped").asInt()).isEqualTo(skipped.values().stream().mapToInt(Integer::intValue).sum());
            List<String> errors = new ArrayList<>();
            for (ILoggingEvent e : logs.list) {
                if (e.getMessage().startsWith("record error")) {
                    Object[] a = e.getArgumentArray();
                    errors.add(a[1] + " " + a[2] + " " + a[3]);
                    assertThat(pipeline.metrics().count("auditbridge.records.errored", "code", (String) a[1])).isPositive();
                }
            }
            assertThat(counts.path("errors").asInt()).isEqualTo(errors.size());
            assertThat(counts.path("events").asInt()).isEqualTo(delivered.size());
            return new Result(List.copyOf(delivered), skipped, errors);
        }

        @Override
        public void close() throws Exception {
            pipelineLog.detachAppender(logs);
            pipeline.close();
        }
    }

    /**
     * @param sameSpelling the records are spelled as a JSON writer spells them (Vector's serde_json, compact): the
     *     Events must then be the same bytes. A record with its own spelling (spaces between tokens, {@code \/})
     *     keeps it through the byte path, where the tree path re-wrote it: the same JSON, members in the same order.
     */
    private void assertSameAsTheTreePath(byte[] body, String cluster, boolean sameSpelling) throws Exception {
        Result before = viaTrees(body, cluster);
        try (Receiver r = new Receiver()) {
            HandlerResponse answer = r.post(body, cluster);
            assertThat(answer.status()).isEqualTo(200);
            Result now = r.result(answer);
            if (sameSpelling) {
                assertThat(now.events()).as("Event bytes").containsExactlyElementsOf(before.events());
            } else {
                assertThat(now.events()).hasSameSizeAs(before.events());
                for (int i = 0; i < now.events().size(); i++) {
                    JsonNode got = EventJson.MAPPER.readTree(now.events().get(i));
                    JsonNode expected = EventJson.MAPPER.readTree(before.events().get(i));
                    assertThat(got).isEqualTo(expected);
                    assertThat(memberOrder(got)).isEqualTo(memberOrder(expected));
                }
            }
            assertThat(now.skipped()).isEqualTo(before.skipped());
            assertThat(now.errors()).isEqualTo(before.errors());
        }
    }

    private static List<String> memberOrder(JsonNode event) {
        List<String> names = new ArrayList<>();
        event.fieldNames().forEachRemaining(names::add);
        event.path("annotations").fieldNames().forEachRemaining(k -> names.add("annotations." + k));
        return names;
    }

    /** Whether a record is spelled as the JSON writer spells its tree. */
    private static boolean writerSpelled(String record) throws Exception {
        return EventJson.toString(EventJson.MAPPER.readTree(record)).equals(record);
    }

    @Test
    void everyForwarderFixtureReachesTheSinkByteForByteAsTheTreePathSentIt() throws Exception {
        for (String fixture : List.of("v6-array.json", "v6-ndjson.ndjson", "v5-array.json", "v5-fluentd.ndjson")) {
            assertSameAsTheTreePath(Fixtures.read(fixture), null, true);
            assertSameAsTheTreePath(Fixtures.read(fixture), "ocp-prod", true);
        }
    }

    @Test
    void everyEdgeRecordReachesTheSinkByteForByteAsTheTreePathSentIt() throws Exception {
        int sameBytes = 0;
        for (String record : CollectorFieldStripperTest.EDGE_RECORDS) {
            boolean writerSpelled = writerSpelled(record);
            sameBytes += writerSpelled ? 1 : 0;
            assertSameAsTheTreePath(("[" + record + "]").getBytes(StandardCharsets.UTF_8), null, writerSpelled);
            assertSameAsTheTreePath(("[" + record + "]").getBytes(StandardCharsets.UTF_8), " ocp-edge ", writerSpelled);
        }
        assertThat(sameBytes).as("edge records compared byte for byte").isGreaterThanOrEqualTo(15);
        // All at once, as NDJSON, with records that are not objects among them.
        StringBuilder ndjson = new StringBuilder();
        for (String record : CollectorFieldStripperTest.EDGE_RECORDS) {
            ndjson.append(record).append('\n');
        }
        ndjson.append("[5,\"text\",null,[{}]]\n");
        assertSameAsTheTreePath(ndjson.toString().getBytes(StandardCharsets.UTF_8), "ocp-edge", false);
    }

    @Test
    void badRecordsAreCountedAndLoggedWithTheirIdAndTheRestDelivered() throws Exception {
        String body = "[{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a-2\",\"level\":\"Metadata\"},"
                + "{\"log_source\":\"auditd\",\"message\":\"type=SYSCALL\"},7,"
                + "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a-4\",\"level\":\"Metadata\",\"stage\":\"ResponseComplete\","
                + "\"stageTimestamp\":\"2025-12-01T08:00:00.000001Z\",\"hostname\":\"m-0\"}]";
        try (Receiver r = new Receiver()) {
            HandlerResponse answer = r.post(body.getBytes(StandardCharsets.UTF_8), null);
            assertThat(answer.status()).isEqualTo(200);
            Result now = r.result(answer);
            String requestId = now.errors().getFirst().split(" ")[1].split("#")[0];
            assertThat(now.errors()).containsExactly("invalid_event " + requestId + "#0 a-2", "not_object " + requestId + "#2 null");
            assertThat(now.skipped()).containsEntry("auditd", 1);
            assertThat(now.events()).hasSize(1).allMatch(e -> e.contains("\"auditID\":\"a-4\"") && !e.contains("hostname"));
        }
    }

    /** A record the byte path leaves to the tree path (no level to restore) has its tree charged to the request. */
    @Test
    void aRecordLeftToTheTreePathIsChargedToTheRequestsBudget() throws Exception {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            values.append(i == 0 ? "" : ",").append('0');
        }
        String event = "\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a-1\",\"stage\":\"ResponseComplete\","
                + "\"stageTimestamp\":\"2025-12-01T08:00:00.000001Z\",\"requestObject\":{\"v\":[" + values + "]}";
        byte[] withLevel = ("[{" + event + ",\"level\":\"Metadata\"}]").getBytes(StandardCharsets.UTF_8);
        byte[] withoutLevel = ("[{" + event + "}]").getBytes(StandardCharsets.UTF_8);
        // Room for the body, its copy and its Event, not for 50 000 nodes of tree.
        long limit = 6L * withLevel.length;
        try (Receiver r = new Receiver()) {
            assertThat(r.handler.handle(limited(withLevel, limit)).status()).isEqualTo(200);
            assertThatThrownBy(() -> r.handler.handle(limited(withoutLevel, limit))).isInstanceOf(RequestBudget.TooLargeException.class);
            assertThat(r.post(withoutLevel, null).status()).as("within an unlimited budget").isEqualTo(200);
            assertThat(r.delivered).hasSize(2);
        }
    }

    private static ReceivedRequest limited(byte[] body, long limit) {
        RequestBudget.Lease lease = new RequestBudget(limit, 0).lease(limit);
        lease.charge(body.length); // as the receiver charges the body it read
        return new ReceivedRequest(OpenShiftReceiver.DEFAULT_PATH, null, Map.of(), body, "test", lease, 100_000);
    }

    /**
     * Issue 15: a request whose records are all submitted is sent at once, not when its batch ages: with a batch
     * age far beyond the push's wait, the lone request is still answered 200.
     */
    @Test
    void aFullySubmittedRequestIsSentWithoutWaitingForTheBatchAge() throws Exception {
        try (Receiver r = new Receiver(new BatchLimits(10_000, 10L * 1024 * 1024, Duration.ofHours(1), 256 * 1024))) {
            HandlerResponse answer = r.post(Fixtures.read("v6-array.json"), null);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(r.delivered).isNotEmpty();
        }
    }
}
