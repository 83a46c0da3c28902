package io.auditbridge.eks;

import static io.auditbridge.eks.AuditFixtures.AUDIT_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.EventReader;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * EKS messages now pass through as their bytes with the annotations spliced in, without a tree; the Events must
 * equal, field by field and in the same order, what the tree path gives (the message read as Events, then
 * {@code auditbridge.io/source} and {@code cluster_name} added where absent), and the same messages must fail.
 */
class PassThroughEquivalenceTest {
    private static List<JsonNode> treePath(String message, String cluster) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (EventReader.Item item : EventReader.readAll(message.strip().getBytes(StandardCharsets.UTF_8))) {
            if (item.isEvent()) {
                Event e = item.event();
                e.putAnnotationIfAbsent(Event.ANNOTATION_SOURCE, "eks");
                if (cluster != null) {
                    e.putAnnotationIfAbsent("cluster_name", cluster);
                }
                out.add(EventJson.MAPPER.readTree(e.toJsonBytes()));
            }
        }
        return out;
    }

    private static List<String> order(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        n.path("annotations").fieldNames().forEachRemaining(k -> names.add("annotations." + k));
        return names;
    }

    private static void assertSameAsTreePath(String message, String cluster) throws Exception {
        Translation t = new EksAuditTranslator(cluster).translate(SourceRecord.unpositioned("ev",
                CloudWatchLogEvent.logEvent(AUDIT_STREAM, "ev", 1796000400250L, -1, message)));
        List<JsonNode> actual = new ArrayList<>();
        for (Event e : t.events()) {
            assertThat(new String(e.toJsonBytes(), StandardCharsets.UTF_8)).doesNotContain("\n");
            actual.add(EventJson.MAPPER.readTree(e.toJsonBytes()));
        }
        List<JsonNode> expected = message.strip().endsWith(EksAuditTranslator.TRUNCATED_SUFFIX) ? List.of() : treePath(message, cluster);
        assertThat(actual).as(message).isEqualTo(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(order(actual.get(i))).isEqualTo(order(expected.get(i)));
        }
    }

    /** The messages of the saved fixtures, as the input reader hands them to the translator. */
    private static List<String> fixtureMessages() throws Exception {
        List<String> messages = new ArrayList<>();
        for (String name : List.of("/eks/filter-log-events.json", "/eks/audit-lines.ndjson")) {
            try (InputStream in = PassThroughEquivalenceTest.class.getResourceAsStream(name)) {
                EksInput.stream(name, new ByteArrayInputStream(in.readAllBytes()), r -> messages.add(r.payload().message()));
            }
        }
        return messages;
    }

    @Test
    void everyFixtureMessageGivesTheTreePathsEvents() throws Exception {
        List<String> messages = fixtureMessages();
        assertThat(messages).hasSizeGreaterThan(3);
        for (String m : messages) {
            assertSameAsTreePath(m, "prod-eks-01");
            assertSameAsTreePath(m, null);
        }
    }

    @Test
    void escapingUnicodeAnnotationsAndShapesAgreeWithTheTreePath() throws Exception {
        String base = "\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"e-1\",\"stage\":\"ResponseComplete\","
                + "\"stageTimestamp\":\"2025-12-01T08:00:00.003456Z\"";
        for (String m : List.of(
                "{" + base + "}",
                "{" + base + ",\"annotations\":{\"authorization.k8s.io/reason\":\"RBAC: allowed by \\\"x\\\" {y}\"}}",
                "{" + base + ",\"annotations\":{\"cluster_name\":\"theirs\",\"auditbridge.io/source\":\"theirs\"}}",
                "{" + base + ",\"annotations\":{\"cluster\\u005fname\":\"escaped\"}}",
                "{" + base + ",\"annotations\":{}}",
                "{" + base + ",\"annotations\":null}",
                "{\"annotations\":{\"k\":\"v\"}," + base + ",\"requestObject\":{\"annotations\":{\"nested\":\"}\"}}}",
                " { " + base + " , \"requestObject\" : { \"s\" : \"caf\u00e9 \u2603 \ud83d\ude80 \\u00e9 \\\\ \\/ \\t\" } } ",
                "{" + base + ",\"x\":\"\\ud83d\\ude80\"}",
                "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[{" + base + "},{" + base.replace("e-1", "e-2") + "}]}",
                "[{" + base + "}]",
                "{" + base + "}{" + base.replace("e-1", "e-3") + "}",
                "{" + base.replace("\"e-1\"", "7") + "}",
                "{" + base + ",\"requestObject\":{\"cut\":\"abc [Truncated...]",
                "{" + base + ",\"bad\":tru}")) {
            assertSameAsTreePath(m, "prod-eks-01");
            assertSameAsTreePath(m, "we\"ird \u00e9");
            assertSameAsTreePath(m, null);
        }
    }
}
