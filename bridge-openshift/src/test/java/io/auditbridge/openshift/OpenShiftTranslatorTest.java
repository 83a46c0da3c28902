package io.auditbridge.openshift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import org.junit.jupiter.api.Test;

class OpenShiftTranslatorTest {
    private final OpenShiftTranslator translator = new OpenShiftTranslator();

    private Translation translate(String json, String clusterName) throws Exception {
        JsonNode node = EventJson.MAPPER.readTree(json);
        return translator.translate(SourceRecord.unpositioned("req-1#0", new ForwardedRecord(node, clusterName)));
    }

    private static final String KUBE = """
            {"@timestamp":"2025-06-02T14:09:03.037275438Z","annotations":{"cluster_name":"from-event"},
             "apiVersion":"audit.k8s.io/v1","auditID":"a-1","hostname":"master-0","k8s_audit_level":"Request",
             "kind":"Event","level":"Request","log_source":"kubeAPI","log_type":"audit",
             "openshift":{"cluster_id":"cid-1","sequence":1748873343037316941},
             "requestObject":{"spec":{"replicas":3,"ratio":0.10}},"stage":"ResponseComplete",
             "stageTimestamp":"2025-06-02T14:09:02.163001Z","timestamp":"2025-06-02T14:09:03.037275438Z","verb":"create"}""";

    @Test
    void keepsTheEventExactlyAndAnnotatesOnlyUnusedNames() throws Exception {
        Translation t = translate(KUBE, "prod-eu1");
        assertThat(t.events()).hasSize(1);
        Event e = t.events().getFirst();
        assertThat(new String(e.toJsonBytes())).isEqualTo("{\"annotations\":{\"cluster_name\":\"from-event\","
                + "\"auditbridge.io/source\":\"openshift\",\"auditbridge.io/openshift-cluster-id\":\"cid-1\"},"
                + "\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a-1\",\"kind\":\"Event\",\"level\":\"Request\","
                + "\"requestObject\":{\"spec\":{\"replicas\":3,\"ratio\":0.10}},\"stage\":\"ResponseComplete\","
                + "\"stageTimestamp\":\"2025-06-02T14:09:02.163001Z\",\"verb\":\"create\"}");
    }

    @Test
    void clusterNameIsAddedWhenTheEventHasNone() throws Exception {
        Translation t = translate(KUBE.replace("\"cluster_name\":\"from-event\"", "\"x\":\"y\""), "prod-eu1");
        assertThat(t.events().getFirst().annotation("cluster_name")).isEqualTo("prod-eu1");
    }

    @Test
    void classificationNeedsKindApiVersionAndAuditId() throws Exception {
        assertThat(translate(KUBE.replace("\"kind\":\"Event\"", "\"kind\":\"EventList\""), null).skipped())
                .containsEntry("not_audit_event", 1);
        assertThat(translate(KUBE.replace("audit.k8s.io/v1", "v1"), null).skipped()).containsEntry("not_audit_event", 1);
        assertThat(translate(KUBE.replace("\"auditID\":\"a-1\",", ""), null).skipped()).containsEntry("not_audit_event", 1);
        assertThat(translate(KUBE.replace("audit.k8s.io/v1", "audit.k8s.io/v1beta1"), null).events()).hasSize(1);
    }

    @Test
    void auditdAndOvnAreSkippedByReasonIn6xAnd5x() throws Exception {
        assertThat(translate("{\"log_source\":\"auditd\",\"message\":\"type=SYSCALL\"}", null).skipped()).containsEntry("auditd", 1);
        assertThat(translate("{\"tag\":\".linux-audit.log\",\"message\":\"type=SYSCALL\"}", null).skipped()).containsEntry("auditd", 1);
        assertThat(translate("{\"log_source\":\"ovn\",\"message\":\"acl_log\"}", null).skipped()).containsEntry("ovn", 1);
        assertThat(translate("{\"tag\":\".ovn-audit.log\"}", null).skipped()).containsEntry("ovn", 1);
        assertThat(translate("{\"log_type\":\"application\"}", null).skipped()).containsEntry("not_audit_event", 1);
    }

    @Test
    void anAuditEventWithoutStageTimestampIsAnErrorWithItsAuditId() throws Exception {
        Translation t = translate(KUBE.replace("\"stageTimestamp\":\"2025-06-02T14:09:02.163001Z\",", ""), null);
        assertThat(t.events()).isEmpty();
        assertThat(t.errors()).singleElement().satisfies(err -> {
            assertThat(err.code()).isEqualTo("invalid_event");
            assertThat(err.auditId()).isEqualTo("a-1");
            assertThat(err.recordId()).isEqualTo("req-1#0");
        });
    }

    @Test
    void aNonObjectRecordIsAnError() throws Exception {
        assertThat(translate("[1]", null).errors()).singleElement().extracting(e -> e.code()).isEqualTo("not_object");
    }
}
