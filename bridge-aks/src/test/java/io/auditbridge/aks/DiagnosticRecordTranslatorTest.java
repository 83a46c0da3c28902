package io.auditbridge.aks;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.Event;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiagnosticRecordTranslatorTest {
    private final DiagnosticRecordTranslator translator = new DiagnosticRecordTranslator();

    static byte[] body(String name) throws IOException {
        try (InputStream in = DiagnosticRecordTranslatorTest.class.getResourceAsStream("/bodies/" + name)) {
            return in.readAllBytes();
        }
    }

    private Translation translate(byte[] body) {
        return translator.translate(new SourceRecord<>("0", null, "p0/seq42", body));
    }

    @Test
    void keepsBothAuditCategoriesInOrderAndSkipsOtherCategories() throws IOException {
        Translation t = translate(body("mixed-categories.json"));

        assertThat(t.events()).extracting(Event::auditId).containsExactly(
                "5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e01", "5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e02",
                "5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e03");
        assertThat(t.skipped()).containsExactly(java.util.Map.entry("category_not_selected", 2));
        assertThat(t.errors()).isEmpty();
    }

    @Test
    void forwardsTheEventUnchangedApartFromSourceAndClusterAnnotations() throws IOException {
        Event e = translate(body("mixed-categories.json")).events().getFirst();

        assertThat(e.annotation(Event.ANNOTATION_SOURCE)).isEqualTo("aks");
        assertThat(e.annotation("cluster_name")).isEqualTo("PROD-WEU-1");
        assertThat(e.annotation("authorization.k8s.io/decision")).isEqualTo("allow");
        assertThat(e.json().path("objectRef").path("subresource").asText()).isEqualTo("exec");
        assertThat(e.json().path("requestURI").asText())
                .isEqualTo("/api/v1/namespaces/default/pods/web-0/exec?command=sh&stdin=true&tty=true");
        assertThat(e.stageTimestamp()).isEqualTo("2026-11-29T10:15:02.131007Z");
    }

    @Test
    void onlyTheConfiguredCategoriesAreKept() throws IOException {
        Translation t = new DiagnosticRecordTranslator(Set.of("kube-audit-admin"))
                .translate(new SourceRecord<>("0", null, "m", body("mixed-categories.json")));

        assertThat(t.events()).extracting(Event::verb).containsExactly("delete");
        assertThat(t.skippedCount()).isEqualTo(4);
    }

    @Test
    void badLogsAreRecordErrorsWithTheAuditIdRecoveredAndTheRestContinues() throws IOException {
        Translation t = translate(body("bad-logs.json"));

        assertThat(t.errors()).extracting(RecordError::code)
                .containsExactly("truncated", "empty_log", "not_event", "invalid_json");
        assertThat(t.errors()).extracting(RecordError::recordId)
                .containsExactly("p0/seq42#0", "p0/seq42#1", "p0/seq42#2", "p0/seq42#3");
        assertThat(t.errors().get(0).auditId()).isEqualTo("5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e04");
        assertThat(t.errors().get(0).detail()).contains("16384 chars");
        assertThat(t.errors().get(2).auditId()).isEqualTo("5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e05");
        assertThat(t.errors().get(2).detail()).contains("kind is Status");
        assertThat(t.errors()).allSatisfy(err -> assertThat(err.deadLetter()).isNull());
        assertThat(t.events()).extracting(Event::auditId).containsExactly("5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e02");
    }

    @Test
    void aBodyThatIsNotAnEnvelopeIsOneErrorCarryingTheBodyForTheDeadLetterFile() throws IOException {
        byte[] body = body("not-an-envelope.json");
        Translation t = translate(body);

        assertThat(t.events()).isEmpty();
        assertThat(t.errors()).singleElement().satisfies(err -> {
            assertThat(err.code()).isEqualTo("not_envelope");
            assertThat(err.recordId()).isEqualTo("p0/seq42");
            assertThat(err.detail()).contains("no \"records\" array");
            assertThat(err.deadLetter()).isEqualTo(new String(body, StandardCharsets.UTF_8));
        });
    }

    @Test
    void textAndNonObjectBodiesAreNotEnvelopesEither() {
        assertThat(translate("I1129 klog line".getBytes(StandardCharsets.UTF_8)).errors())
                .singleElement().extracting(RecordError::code).isEqualTo("not_envelope");
        assertThat(translate("[1,2]".getBytes(StandardCharsets.UTF_8)).errors())
                .singleElement().satisfies(err -> assertThat(err.detail()).contains("not a JSON object"));
        assertThat(translate(new byte[0]).errors()).singleElement().extracting(RecordError::code).isEqualTo("not_envelope");
    }

    @Test
    void theSameEventUnderBothCategoriesComesOutTwiceHereAndIsDedupedByThePipeline() throws IOException {
        Translation t = translate(body("both-categories.json"));

        assertThat(t.events()).extracting(Event::dedupeKey).hasSize(2).containsOnly(t.events().getFirst().dedupeKey());
    }

    @Test
    void recordsWhoseCategoryComesAfterTheirPropertiesAreTranslatedTheSameWay() {
        String event = Bodies.event("5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e09", "patch");
        String log = event.replace("\"", "\\\"");
        String body = "{\"records\":[{\"properties\":{\"log\":\"" + log + "\\n\"},\"category\":\"kube-audit\"},"
                + "{\"properties\":{\"log\":\"" + event.substring(0, 140).replace("\"", "\\\"") + "\"},\"category\":\"kube-audit-admin\"},"
                + "{\"properties\":{\"log\":\"I1129 klog\"},\"category\":\"guard\"}]}";

        Translation t = translate(body.getBytes(StandardCharsets.UTF_8));

        assertThat(t.events()).extracting(Event::auditId).containsExactly("5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e09");
        assertThat(t.errors()).singleElement().satisfies(err -> {
            assertThat(err.code()).isEqualTo("truncated");
            assertThat(err.auditId()).isEqualTo("5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e09");
        });
        assertThat(t.skipped()).containsExactly(java.util.Map.entry("category_not_selected", 1));
    }

    @Test
    void clusterNameComesFromTheManagedClusterSegmentOfTheResourceId() {
        assertThat(DiagnosticRecordTranslator.clusterName(
                "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/dev-1")).isEqualTo("dev-1");
        assertThat(DiagnosticRecordTranslator.clusterName("/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG")).isNull();
        assertThat(DiagnosticRecordTranslator.clusterName(null)).isNull();
    }
}
