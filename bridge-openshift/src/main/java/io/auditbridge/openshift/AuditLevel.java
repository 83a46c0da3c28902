package io.auditbridge.openshift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * The Event's audit {@code level}, as the API server wrote it. The collector copies it to {@code k8s_audit_level}
 * (kube-apiserver) or {@code openshift_audit_level} (openshift/oauth API servers); Logging 5.x's Vector
 * normaliser then overwrote {@code level} itself with a log severity ({@code "default"}), so there the copy is
 * the only place the real level survives.
 */
final class AuditLevel {
    /** The levels {@code audit.k8s.io/v1} defines; no other value is ever forwarded. */
    static final Set<String> LEVELS = Set.of("None", "Metadata", "Request", "RequestResponse");
    /** Annotation set when no valid level was recorded and the one written was inferred from the bodies. */
    static final String ANNOTATION_INFERRED = "auditbridge.io/level-inferred";

    private AuditLevel() {}

    /**
     * Sets {@code event.level} to the real audit level: the collector's copy when it is a valid level, else the
     * record's own {@code level} when valid. When neither is, the lowest level consistent with the bodies the
     * Event carries ({@code RequestResponse} with a responseObject, {@code Request} with a requestObject, else
     * {@code Metadata}); returns false in that case, so the caller can mark the Event.
     *
     * @param k8sLevel       the record's {@code k8s_audit_level}, or null
     * @param openshiftLevel the record's {@code openshift_audit_level}, or null
     */
    static boolean restore(ObjectNode event, JsonNode k8sLevel, JsonNode openshiftLevel) {
        for (JsonNode candidate : new JsonNode[] {k8sLevel, openshiftLevel, event.get("level")}) {
            if (isLevel(candidate)) {
                event.put("level", candidate.asText());
                return true;
            }
        }
        event.put("level", event.has("responseObject") ? "RequestResponse" : event.has("requestObject") ? "Request" : "Metadata");
        return false;
    }

    static boolean isLevel(JsonNode v) {
        return v != null && v.isTextual() && LEVELS.contains(v.asText());
    }
}
