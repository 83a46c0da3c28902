package io.auditbridge.openshift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Logging 5.x's Vector (release-5.9 viaq_audit) copied the audit level to {@code k8s_audit_level} (kube-apiserver)
 * or {@code openshift_audit_level} (openshift-apiserver, oauth) and its log-level normaliser overwrote {@code level}
 * with {@code "default"}. Records below are written from that shape: tag, {@code @timestamp}, source_type,
 * openshift.{cluster_id,sequence}, no log_source.
 */
class AuditLevelTest {
    private final OpenShiftTranslator translator = new OpenShiftTranslator();

    private static String record5x(String levelField, String copyField, String copyValue, String bodies) {
        String copy = copyField == null ? "" : ",\"" + copyField + "\":\"" + copyValue + "\"";
        return """
                {"@timestamp":"2024-03-11T09:15:02.118734Z","annotations":{"authorization.k8s.io/decision":"allow"},
                 "apiVersion":"audit.k8s.io/v1","auditID":"5b0c1f7e-3e44-4b7a-9c38-2f1d0a6e9b11"%s,"kind":"Event"%s,
                 "objectRef":{"apiVersion":"v1","name":"db-creds","namespace":"payments","resource":"secrets"},
                 "openshift":{"cluster_id":"0b6f2c2e-8f0e-4e5c-a7c1-3c9e4d2f1a00","sequence":1710148502118734000}%s,
                 "requestReceivedTimestamp":"2024-03-11T09:15:01.901223Z","requestURI":"/api/v1/namespaces/payments/secrets/db-creds",
                 "responseStatus":{"code":200,"metadata":{}},"source_type":"file","stage":"ResponseComplete",
                 "stageTimestamp":"2024-03-11T09:15:01.905871Z","tag":".k8s-audit.log","user":{"username":"kube:admin"},"verb":"get"}
                """.formatted(copy, levelField == null ? "" : ",\"level\":\"" + levelField + "\"", bodies);
    }

    private Event only(String json) throws Exception {
        JsonNode node = EventJson.MAPPER.readTree(json);
        Translation t = translator.translate(SourceRecord.unpositioned("body#0", new ForwardedRecord(node, null)));
        assertThat(t.errors()).isEmpty();
        assertThat(t.events()).hasSize(1);
        return t.events().getFirst();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"k8s_audit_level,Metadata", "k8s_audit_level,Request", "k8s_audit_level,RequestResponse",
            "openshift_audit_level,Metadata", "openshift_audit_level,RequestResponse", "k8s_audit_level,None"})
    void logging5xDefaultLevelIsReplacedByTheCollectorsCopy(String copyField, String real) throws Exception {
        Event e = only(record5x("default", copyField, real, ""));
        assertThat(e.json().get("level").asText()).isEqualTo(real);
        assertThat(e.json().has(copyField)).isFalse();
        assertThat(e.annotation(AuditLevel.ANNOTATION_INFERRED)).isNull();
    }

    @Test
    void logging6xRecordsKeepTheirLevel() throws Exception {
        Event e = only(record5x("Metadata", "k8s_audit_level", "Metadata", ""));
        assertThat(e.json().get("level").asText()).isEqualTo("Metadata");
        assertThat(e.annotation(AuditLevel.ANNOTATION_INFERRED)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "info", "INFO", "metadata", "unknown", ""})
    void aLevelOutsideTheFourIsNeverForwarded(String level) throws Exception {
        Event noCopy = only(record5x(level, null, null, ""));
        assertThat(noCopy.json().get("level").asText()).isIn(AuditLevel.LEVELS).isEqualTo("Metadata");
        assertThat(noCopy.annotation(AuditLevel.ANNOTATION_INFERRED)).isEqualTo("true");

        Event badCopy = only(record5x(level, "k8s_audit_level", "default", ",\"requestObject\":{\"kind\":\"DeleteOptions\"}"));
        assertThat(badCopy.json().get("level").asText()).isEqualTo("Request");
        Event withResponse = only(record5x(level, null, null, ",\"requestObject\":{},\"responseObject\":{\"kind\":\"Status\"}"));
        assertThat(withResponse.json().get("level").asText()).isEqualTo("RequestResponse");
    }

    @Test
    void aMissingLevelIsInferredToo() throws Exception {
        Event e = only(record5x(null, null, null, ""));
        assertThat(e.json().get("level").asText()).isEqualTo("Metadata");
        assertThat(e.annotation(AuditLevel.ANNOTATION_INFERRED)).isEqualTo("true");
    }

    @Test
    void aValidCopyWinsOverAValidButDifferentLevel() throws Exception {
        // The copy was taken before anything touched the record; the level may have been rewritten after it.
        Event e = only(record5x("Metadata", "openshift_audit_level", "RequestResponse", ""));
        assertThat(e.json().get("level").asText()).isEqualTo("RequestResponse");
    }
}
