package io.auditbridge.eks;

import static io.auditbridge.eks.AuditFixtures.AUDIT_STREAM;
import static io.auditbridge.eks.AuditFixtures.auditLine;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import org.junit.jupiter.api.Test;

class EksAuditTranslatorTest {
    private final EksAuditTranslator translator = new EksAuditTranslator("prod-eks-01");

    private static SourceRecord<CloudWatchLogEvent> logEvent(String stream, String id, String message) {
        return SourceRecord.unpositioned(id, CloudWatchLogEvent.logEvent(stream, id, 1796000400250L, 1796000403512L, message));
    }

    @Test
    void forwardsTheEventUnchangedAddingSourceAndClusterAnnotations() throws Exception {
        String line = auditLine("8c1f7c2e-2b1a-4b7e-9f11-0a3c5d9e1f01");
        Translation t = translator.translate(logEvent(AUDIT_STREAM, "ev-1", line));

        assertThat(t.errors()).isEmpty();
        assertThat(t.events()).hasSize(1);
        Event e = t.events().getFirst();
        JsonNode out = EventJson.MAPPER.readTree(e.toJsonBytes());
        ObjectNode expected = (ObjectNode) EventJson.MAPPER.readTree(line);
        ((ObjectNode) expected.get("annotations")).put("auditbridge.io/source", "eks").put("cluster_name", "prod-eks-01");
        assertThat(out).isEqualTo(expected);
    }

    @Test
    void keepsTheOriginalTextByteForByteWithTheAnnotationsAppended() {
        String line = auditLine("b-1").replace("\"code\":200}", "\"code\":200,\"ratio\":1.50e0}");
        Event e = translator.translate(logEvent(AUDIT_STREAM, "ev-1", line)).events().getFirst();

        String expected = line.substring(0, line.length() - 2)
                + ",\"auditbridge.io/source\":\"eks\",\"cluster_name\":\"prod-eks-01\"}}";
        assertThat(new String(e.toJsonBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(e.annotation("cluster_name")).isEqualTo("prod-eks-01");
    }

    @Test
    void addsNoClusterNameWhenNoneIsConfiguredAndNeverOverwritesOne() throws Exception {
        String withCluster = auditLine("a-1").replace("\"annotations\":{", "\"annotations\":{\"cluster_name\":\"from-source\",");
        Event e = new EksAuditTranslator(null).translate(logEvent(AUDIT_STREAM, "ev-1", auditLine("a-2"))).events().getFirst();
        assertThat(e.annotation("cluster_name")).isNull();
        assertThat(e.annotation(Event.ANNOTATION_SOURCE)).isEqualTo("eks");

        Event kept = translator.translate(logEvent(AUDIT_STREAM, "ev-2", withCluster)).events().getFirst();
        assertThat(kept.annotation("cluster_name")).isEqualTo("from-source");
    }

    @Test
    void truncatedLineIsReportedWithItsAuditIdAndSkipped() {
        String line = auditLine("f00dbabe-0000-4000-8000-000000000005").substring(0, 180) + "[Truncated...]";
        Translation t = translator.translate(logEvent(AUDIT_STREAM, "ev-9", line));

        assertThat(t.events()).isEmpty();
        RecordError err = t.errors().getFirst();
        assertThat(err.code()).isEqualTo("truncated");
        assertThat(err.recordId()).isEqualTo("ev-9");
        assertThat(err.auditId()).isEqualTo("f00dbabe-0000-4000-8000-000000000005");
        assertThat(err.detail()).doesNotContain("kubernetes-admin");
    }

    @Test
    void invalidJsonIsReportedWithTheAuditIdWhenItCanBeRecovered() {
        Translation t = translator.translate(logEvent(AUDIT_STREAM, "ev-3",
                "{\"kind\":\"Event\",\"auditID\":\"abc-123\",\"requestObject\":{\"data\":{\"password\":\"hunter2\"")); 
        assertThat(t.events()).isEmpty();
        assertThat(t.errors()).singleElement().satisfies(err -> {
            assertThat(err.code()).isEqualTo("invalid_json");
            assertThat(err.auditId()).isEqualTo("abc-123");
            assertThat(err.detail()).doesNotContain("hunter2");
        });

        Translation noId = translator.translate(logEvent(AUDIT_STREAM, "ev-4", "I1130 01:00:00 not json"));
        assertThat(noId.errors()).singleElement().satisfies(err -> {
            assertThat(err.code()).isEqualTo("invalid_json");
            assertThat(err.auditId()).isNull();
        });
    }

    @Test
    void validatesKindApiVersionAuditIdAndStageTimestamp() {
        String noStageTs = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x-1\",\"stage\":\"ResponseComplete\"}";
        String wrongKind = "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"auditID\":\"x-2\",\"stageTimestamp\":\"2026-11-30T01:00:00Z\"}";
        String wrongApi = auditLine("x-3").replace("audit.k8s.io/v1", "example.com/v1");
        String noAuditId = auditLine("x-4").replace("\"auditID\":\"x-4\",", "");

        for (String line : new String[] {noStageTs, wrongKind, wrongApi, noAuditId}) {
            Translation t = translator.translate(logEvent(AUDIT_STREAM, "ev", line));
            assertThat(t.events()).as(line).isEmpty();
            assertThat(t.errors()).as(line).singleElement().extracting(RecordError::code).isEqualTo("not_event");
        }
        assertThat(translator.translate(logEvent(AUDIT_STREAM, "ev", noStageTs)).errors().getFirst().auditId()).isEqualTo("x-1");
        assertThat(translator.translate(logEvent(AUDIT_STREAM, "ev", "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1beta1\","
                + "\"auditID\":\"b-1\",\"stageTimestamp\":\"2026-11-30T01:00:00Z\"}")).events()).hasSize(1);
    }

    @Test
    void skipsControlMessagesAndForeignStreamsWithAReason() {
        Translation control = translator.translate(SourceRecord.unpositioned("c", CloudWatchLogEvent.controlMessage("c")));
        assertThat(control.events()).isEmpty();
        assertThat(control.skipped()).containsEntry("control_message", 1);

        Translation foreign = translator.translate(logEvent("authenticator-e503271cd443efdbd2050ae8ca0794eb", "ev-5",
                "time=\"2026-11-30T01:00:01Z\" level=info msg=\"access granted\""));
        assertThat(foreign.events()).isEmpty();
        assertThat(foreign.errors()).isEmpty();
        assertThat(foreign.skipped()).containsEntry("foreign_stream", 1);

        Translation other = translator.translate(logEvent("kube-apiserver-e503271cd443efdbd2050ae8ca0794eb", "ev-6", auditLine("y")));
        assertThat(other.skipped()).containsEntry("foreign_stream", 1);
    }

    @Test
    void windowEndMarkersTranslateToNothing() {
        Translation t = translator.translate(SourceRecord.unpositioned("w", CloudWatchLogEvent.windowEnd("w", 1796000400000L)));
        assertThat(t.events()).isEmpty();
        assertThat(t.errors()).isEmpty();
        assertThat(t.skippedCount()).isZero();
    }

    @Test
    void emptyMessageIsAnError() {
        assertThat(translator.translate(logEvent(AUDIT_STREAM, "ev-7", "  ")).errors())
                .singleElement().extracting(RecordError::code).isEqualTo("empty");
    }
}
