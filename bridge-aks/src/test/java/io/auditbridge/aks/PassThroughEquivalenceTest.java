package io.auditbridge.aks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.EventValidation;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Events {@code properties.log} yields now pass through as their own bytes (unescaped once, annotations
 * spliced in); they must equal, field by field and in the same order, what the tree path gave: the log parsed
 * to a tree, {@code cluster_name} then {@code auditbridge.io/source} added where absent, written back.
 */
class PassThroughEquivalenceTest {
    /** The tree path, as the translator did it before: the expected Events of one message body. */
    private static List<JsonNode> treePath(byte[] body, ClusterNaming naming) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode record : EventJson.MAPPER.readTree(body).path("records")) {
            JsonNode log = record.path("properties").get("log");
            if (!DiagnosticRecordTranslator.AUDIT_CATEGORIES.contains(record.path("category").asText()) || log == null || !log.isTextual()) {
                continue;
            }
            JsonNode node;
            try {
                node = EventJson.MAPPER.readTree(log.asText());
            } catch (Exception e) {
                continue;
            }
            if (node == null || EventValidation.problem(node) != null) {
                continue;
            }
            Event e = Event.of((ObjectNode) node);
            String cluster = naming.nameFor(record.path("resourceId").asText(null));
            if (cluster != null) {
                e.putAnnotationIfAbsent(Event.ANNOTATION_CLUSTER_NAME, cluster);
            }
            e.putAnnotationIfAbsent(Event.ANNOTATION_SOURCE, "aks");
            out.add(EventJson.MAPPER.readTree(e.toJsonBytes()));
        }
        return out;
    }

    private static List<String> order(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        n.path("annotations").fieldNames().forEachRemaining(k -> names.add("annotations." + k));
        return names;
    }

    private static void assertSameAsTreePath(byte[] body, ClusterNaming naming) throws Exception {
        Translation t = new DiagnosticRecordTranslator(DiagnosticRecordTranslator.AUDIT_CATEGORIES, naming)
                .translate(new SourceRecord<>("0", null, "p0/seq1", body));
        List<JsonNode> actual = new ArrayList<>();
        for (Event e : t.events()) {
            assertThat(new String(e.toJsonBytes(), StandardCharsets.UTF_8)).doesNotContain("\n");
            actual.add(EventJson.MAPPER.readTree(e.toJsonBytes()));
        }
        List<JsonNode> expected = treePath(body, naming);
        assertThat(actual).isEqualTo(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(order(actual.get(i))).isEqualTo(order(expected.get(i)));
        }
    }

    @Test
    void everyFixtureBodyGivesTheTreePathsEvents() throws Exception {
        for (String fixture : List.of("mixed-categories.json", "both-categories.json", "bad-logs.json")) {
            byte[] body = DiagnosticRecordTranslatorTest.body(fixture);
            assertSameAsTreePath(body, ClusterNaming.FROM_RESOURCE_ID);
            assertSameAsTreePath(body, new ClusterNaming("aks-Prod", false));
            assertSameAsTreePath(body, new ClusterNaming(null, true));
        }
        for (String line : new String(DiagnosticRecordTranslatorTest.body("messages.ndjson"), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && line.startsWith("{\"records\"")) { // the other lines are not envelopes at all
                assertSameAsTreePath(line.getBytes(StandardCharsets.UTF_8), ClusterNaming.FROM_RESOURCE_ID);
            }
        }
    }

    private static final String RID = "/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-EDGE";

    private static String record(String logJsonString) {
        return "{\"category\":\"kube-audit\",\"resourceId\":\"" + RID + "\",\"properties\":{\"log\":" + logJsonString + "}}";
    }

    /** A JSON string literal holding {@code text}, as Diagnostic Settings escape it. */
    private static String quoted(String text) {
        return EventJson.toString(EventJson.MAPPER.getNodeFactory().textNode(text));
    }

    @Test
    void escapingUnicodeAnnotationsAndSpacingAgreeWithTheTreePath() throws Exception {
        String base = "\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x-1\",\"stage\":\"ResponseComplete\","
                + "\"stageTimestamp\":\"2025-12-01T08:00:00.003456Z\"";
        List<String> logs = List.of(
                "{" + base + "}\n",
                "{" + base + ",\"annotations\":{\"authorization.k8s.io/decision\":\"allow\"}}",
                "{" + base + ",\"annotations\":{\"cluster_name\":\"own\"}}",
                "{" + base + ",\"annotations\":{}}",
                "{" + base + ",\"annotations\":null}",
                "{\"annotations\":{\"r\":\"}\"}," + base + "}",
                "  { " + base + " , \"requestObject\" : { \"a\" : [ 1 , 2.50 , \"\\\" } ]\" ] } }  ",
                "{" + base + ",\"requestObject\":{\"s\":\"caf\u00e9 \u2603 \ud83d\ude80 \\u00e9 \\ud83d\\ude80 \\\\ \\/\"}}",
                "{" + base + ",\"requestObject\":{\"lone\":\"\\ud83d\"}}",
                "{" + base + ",\n\"pretty\":true}",
                "[{" + base + "}]",
                "{\"kind\":\"EventList\",\"items\":[]}",
                "{" + base.replace("x-1", "") + "}",
                "{" + base + ",\"cut\":\"abc");
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < logs.size(); i++) {
            body.append(i == 0 ? "" : ",").append(record(quoted(logs.get(i))));
        }
        // a properties.log holding an unpaired surrogate escape: no UTF-8 for it, so the tree path decides
        body.append(",").append(record("\"{" + base.replace("\"", "\\\"") + ",\\\"x\\\":\\\"\\ud800\\\"}\""));
        body.append("]}");
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        assertSameAsTreePath(bytes, ClusterNaming.FROM_RESOURCE_ID);
        assertSameAsTreePath(bytes, new ClusterNaming("edge \"quoted\" \u00e9", false));
        assertThat(new DiagnosticRecordTranslator().translate(new SourceRecord<>("0", null, "p0/seq1", bytes)).events())
                .as("the Events the byte path took keep their own bytes").first()
                .extracting(e -> new String(e.toJsonBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{" + base + ",\"annotations\":{\"cluster_name\":\"AKS-EDGE\",\"auditbridge.io/source\":\"aks\"}}");
    }
}
