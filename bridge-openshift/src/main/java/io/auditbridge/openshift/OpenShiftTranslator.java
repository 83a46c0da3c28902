package io.auditbridge.openshift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.EventValidation;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.Translator;
import java.util.List;

/**
 * Turns one ClusterLogForwarder record into the API server's audit Event: keeps only k8s audit Events
 * (kube-apiserver, openshift-apiserver, oauth), removes what the collector added, and records the cluster
 * identity as annotations the Event does not already use.
 *
 * <p>A record is an audit Event iff {@code kind == "Event"}, {@code apiVersion} starts with {@code audit.k8s.io/}
 * and it has an {@code auditID}: that holds for Logging 6.x and 5.x alike (5.x has no {@code log_source}).
 * auditd and OVN records and anything else are skipped and counted by reason.
 */
public final class OpenShiftTranslator implements Translator<ForwardedRecord> {
    private final CollectorFieldStripper stripper = new CollectorFieldStripper();

    public static final String PROVIDER = "openshift";
    public static final String ANNOTATION_CLUSTER_ID = "auditbridge.io/openshift-cluster-id";
    public static final String ANNOTATION_LABELS = "auditbridge.io/openshift-labels";

    /**
     * Fields Vector (6.x viaq, 5.x) or the fluentd-era collector put around the Event. None of them is an
     * {@code audit.k8s.io/v1} Event field, so removing them leaves the API server's Event; {@code level} is the
     * Event's own audit level and stays, restored from the collector's copy where Logging 5.x overwrote it
     * ({@link AuditLevel}).
     */
    static final List<String> COLLECTOR_FIELDS = List.of("@timestamp", "timestamp", "hostname", "log_type",
            "log_source", "k8s_audit_level", "openshift_audit_level", "openshift", "tag", "source_type", "message",
            "file", "pipeline_metadata", "viaq_index_name", "viaq_msg_id", "kubernetes", "structured");

    @Override
    public Translation translate(SourceRecord<ForwardedRecord> record) {
        ForwardedRecord in = record.payload();
        if (in.translated() != null) {
            return in.translated();
        }
        if (in.raw() != null) {
            // The common case straight from the bytes: the Event's own members pass through, no tree, no re-write.
            Translation fromBytes = in.members() != null ? stripper.translate(in.raw(), in.members(), in.clusterName())
                    : stripper.translate(in.raw(), in.clusterName());
            if (fromBytes != null) {
                return fromBytes;
            }
        }
        JsonNode json;
        try {
            json = in.tree();
        } catch (java.io.UncheckedIOException e) {
            return Translation.failed(RecordError.of(RecordError.INVALID_JSON, record.id(), null,
                    "record is not valid JSON: " + io.auditbridge.core.JsonErrors.describe(e.getCause())));
        }
        if (!json.isObject()) {
            return Translation.failed(RecordError.of("not_object", record.id(), null, "record is not a JSON object"));
        }
        if (!isAuditEvent(json)) {
            return Translation.skipped(skipReason(json));
        }
        ObjectNode event = ((ObjectNode) json).deepCopy();
        JsonNode openshift = event.get("openshift");
        boolean levelRecorded = AuditLevel.restore(event, event.get("k8s_audit_level"), event.get("openshift_audit_level"));
        event.remove(COLLECTOR_FIELDS);

        String problem = EventValidation.problem(event);
        if (problem != null) {
            return Translation.failed(RecordError.of("invalid_event", record.id(), EventValidation.recoverAuditId(event), problem));
        }
        Event e = Event.of(event);
        e.putAnnotationIfAbsent(Event.ANNOTATION_SOURCE, PROVIDER);
        if (!levelRecorded) {
            e.putAnnotation(AuditLevel.ANNOTATION_INFERRED, "true");
        }
        String clusterName = in.clusterName();
        if (clusterName != null && !clusterName.isBlank()) {
            e.putAnnotationIfAbsent(Event.ANNOTATION_CLUSTER_NAME, clusterName.strip());
        }
        if (openshift != null && openshift.isObject()) {
            JsonNode id = openshift.get("cluster_id");
            if (id != null && id.isTextual() && !id.asText().isEmpty()) {
                e.putAnnotationIfAbsent(ANNOTATION_CLUSTER_ID, id.asText());
            }
            JsonNode labels = openshift.get("labels");
            if (labels != null && labels.isObject() && !labels.isEmpty()) {
                e.putAnnotationIfAbsent(ANNOTATION_LABELS, EventJson.toString(labels));
            }
        }
        return Translation.of(e);
    }

    static boolean isAuditEvent(JsonNode json) {
        return "Event".equals(text(json, "kind"))
                && text(json, "apiVersion") != null && text(json, "apiVersion").startsWith("audit.k8s.io/")
                && text(json, "auditID") != null && !text(json, "auditID").isEmpty();
    }

    /** A bounded metric tag for a record that is not an audit Event. */
    static String skipReason(JsonNode json) {
        return skipReason(text(json, "log_source"), text(json, "tag"));
    }

    /** As {@link #skipReason(JsonNode)} from the record's {@code log_source} and {@code tag} texts (null: absent or not text). */
    static String skipReason(String source, String tag) {
        if ("auditd".equals(source) || ".linux-audit.log".equals(tag)) {
            return "auditd";
        }
        if ("ovn".equals(source) || ".ovn-audit.log".equals(tag)) {
            return "ovn";
        }
        return "not_audit_event";
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
