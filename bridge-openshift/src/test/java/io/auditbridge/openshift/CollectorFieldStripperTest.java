package io.auditbridge.openshift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The byte path of {@code translate} (records kept as bytes, collector members cut out, annotations spliced) must
 * give exactly what the tree path (deep copy, edit, re-serialize) gives: the same Events field by field and in the
 * same order, annotations included, and the same skips and errors, for every fixture and for the edge cases.
 */
class CollectorFieldStripperTest {
    private record Outcome(List<JsonNode> events, java.util.Map<String, Integer> skipped, List<String> errors) {}

    private static Outcome outcome(Translation t) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (Event e : t.events()) {
            events.add(EventJson.MAPPER.readTree(e.toJsonBytes()));
            assertThat(new String(e.toJsonBytes(), StandardCharsets.UTF_8)).doesNotContain("\n");
        }
        List<String> errors = new ArrayList<>();
        t.errors().forEach(err -> errors.add(err.code() + " " + err.auditId()));
        return new Outcome(events, java.util.Map.copyOf(t.skipped()), errors);
    }

    private static List<String> order(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        n.path("annotations").fieldNames().forEachRemaining(k -> names.add("annotations." + k));
        return names;
    }

    /** Each record of a body through both paths (and through the streaming reader's scan); all must agree. */
    private static int assertBothPathsAgree(byte[] body, String cluster) throws Exception {
        List<byte[]> raws = new ArrayList<>();
        List<CollectorFieldStripper.Members> scans = new ArrayList<>();
        ForwarderBody.readRaw(new ByteArrayInputStream(body), (raw, scan, other) -> {
            if (raw != null) {
                raws.add(raw);
                scans.add(scan);
            }
        });
        List<JsonNode> trees = ForwarderBody.records(body);
        int objects = 0;
        for (JsonNode tree : trees) {
            if (tree.isObject()) {
                objects++;
            }
        }
        assertThat(raws).hasSize(objects);
        int passed = 0;
        for (int i = 0; i < raws.size(); i++) {
            JsonNode tree = EventJson.MAPPER.readTree(raws.get(i));
            Outcome viaTree = outcome(new OpenShiftTranslator().translate(SourceRecord.unpositioned("r#" + i, new ForwardedRecord(tree, cluster))));
            Outcome viaBytes = outcome(new OpenShiftTranslator().translate(SourceRecord.unpositioned("r#" + i, ForwardedRecord.ofBytes(raws.get(i), cluster))));
            Outcome viaScan = outcome(new OpenShiftTranslator().translate(SourceRecord.unpositioned("r#" + i,
                    ForwardedRecord.ofScanned(raws.get(i), scans.get(i), cluster))));
            for (Outcome o : List.of(viaBytes, viaScan)) {
                assertThat(o).as("record %d", i).isEqualTo(viaTree);
                for (int e = 0; e < o.events().size(); e++) {
                    assertThat(order(o.events().get(e))).isEqualTo(order(viaTree.events().get(e)));
                }
            }
            if (new CollectorFieldStripper().translate(raws.get(i), scans.get(i), cluster) != null) {
                passed++;
            }
        }
        return passed;
    }

    @Test
    void everyFixtureGivesTheSameEventsSkipsAndErrorsThroughBothPaths() throws Exception {
        int passed = 0;
        for (String fixture : List.of("v6-array.json", "v6-ndjson.ndjson", "v5-array.json", "v5-fluentd.ndjson")) {
            passed += assertBothPathsAgree(Fixtures.read(fixture), null);
            passed += assertBothPathsAgree(Fixtures.read(fixture), "ocp-prod");
        }
        assertThat(passed).as("records the byte path took itself").isGreaterThan(0);
    }

    private static final String EVENT = "\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a-1\","
            + "\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/pods\",\"verb\":\"list\","
            + "\"stageTimestamp\":\"2025-12-01T08:00:00.003456Z\"";

    /** Records at the edges of what the byte path takes (also posted to the receiver by ReceiverBytePathTest). */
    static final List<String> EDGE_RECORDS = List.of(
                // collector fields first, last, between; level rewritten, level absent, level kept
                "{\"@timestamp\":\"2025-12-01T08:00:00Z\",\"level\":\"default\"," + EVENT + ",\"k8s_audit_level\":\"Request\",\"hostname\":\"m-0\"}",
                "{" + EVENT + ",\"openshift_audit_level\":\"Metadata\",\"log_type\":\"audit\"}",
                "{\"level\":\"Metadata\"," + EVENT + ",\"openshift\":{\"cluster_id\":\"c-1\",\"labels\":{\"env\":\"prod\",\"t\":\"caf\\u00e9 \u2603\"},\"sequence\":7}}",
                "{" + EVENT + ",\"level\":\"Metadata\",\"openshift\":{\"cluster_id\":\"c-1\",\"labels\":{}}}",
                "{" + EVENT + ",\"level\":\"Metadata\",\"openshift\":{\"cluster_id\":5,\"labels\":[1]}}",
                "{" + EVENT + ",\"level\":\"Metadata\",\"openshift\":\"not an object\"}",
                // annotations present, some of ours among them, escaped key spelling
                "{" + EVENT + ",\"level\":\"Metadata\",\"annotations\":{\"cluster_name\":\"theirs\",\"r\":\"x \\\"y\\\" }\"},\"hostname\":\"m\"}",
                "{" + EVENT + ",\"level\":\"Metadata\",\"annotations\":{\"auditbridge.io\\/source\":\"kept\"}}",
                "{" + EVENT + ",\"level\":\"Metadata\",\"annotations\":{}}",
                "{" + EVENT + ",\"level\":\"Metadata\",\"annotations\":null}",
                // spacing kept, unicode and escapes inside the Event
                "{ \"level\" : \"Metadata\" , " + EVENT + " , \"requestObject\" : { \"s\" : \"\\\\ \\/ \\t \\u0000 \ud83d\ude80\" } , \"tag\" : \"x\" }",
                // no valid level anywhere: inferred and marked (tree path)
                "{" + EVENT + ",\"level\":\"default\",\"responseObject\":{}}",
                // repeated keys, invalid Events, non-audit records
                "{" + EVENT + ",\"level\":\"Metadata\",\"level\":\"Request\"}",
                "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a-2\",\"level\":\"Metadata\"}",
                "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a-3\",\"level\":\"Metadata\",\"stageTimestamp\":\"2025-02-30T00:00:00Z\"}",
                "{\"log_source\":\"auditd\",\"message\":\"type=SYSCALL\"}",
                "{\"tag\":\".ovn-audit.log\",\"message\":\"acl\"}",
                "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x\"}",
                "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"\"}",
                "{" + EVENT + ",\"level\":\"Metadata\",\"kubernetes\":{\"namespace_name\":\"x\"},\"structured\":{},\"file\":\"/var/log/kube-apiserver/audit.log\"}");

    @Test
    void edgeCasesAgreeWithTheTreePathWhetherOrNotTheBytePathTakesThem() throws Exception {
        int taken = 0;
        for (String r : EDGE_RECORDS) {
            byte[] body = ("[" + r + "]").getBytes(StandardCharsets.UTF_8);
            taken += assertBothPathsAgree(body, null);
            taken += assertBothPathsAgree(body, " ocp-edge ");
        }
        assertThat(taken).as("edge records the byte path took itself").isGreaterThanOrEqualTo(20);
    }

    @Test
    void theEventsOwnBytesPassThroughUntouched() {
        String requestObject = "\"requestObject\":{\"ratio\":1.50,\"big\":12345678901234567890,\"e\":1e5,\"s\":\"\\u00e9\"}";
        String record = "{\"@timestamp\":\"2025-12-01T08:00:00Z\"," + EVENT + ",\"level\":\"Metadata\"," + requestObject
                + ",\"hostname\":\"m-0\",\"log_type\":\"audit\"}";
        Translation t = new OpenShiftTranslator().translate(SourceRecord.unpositioned("r", ForwardedRecord.ofBytes(record.getBytes(StandardCharsets.UTF_8), null)));
        assertThat(new String(t.events().getFirst().toJsonBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{" + EVENT + ",\"level\":\"Metadata\"," + requestObject + ",\"annotations\":{\"auditbridge.io/source\":\"openshift\"}}");
    }
}
