package io.auditbridge.gke;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.audit.AuditLog;
import com.google.cloud.audit.AuthenticationInfo;
import com.google.cloud.audit.ServiceAccountDelegationInfo;
import com.google.logging.v2.LogEntry;
import java.util.Map;

/**
 * What {@link LogEntryTranslator} reads of one k8s.io audit LogEntry, whichever form it arrived in: a protobuf
 * {@link LogEntry} from the gRPC poller ({@link #of(LogEntry, AuditLog)}) or LogEntry JSON read straight from its
 * tree ({@link AuditEntryJsonReader}). Absent strings are empty, as protobuf getters give them, so both forms map
 * the same way.
 *
 * @param hasOperation     whether the entry carries an {@code operation} at all
 * @param operationLast    {@code operation.last}
 * @param seconds          {@code timestamp}, seconds since the epoch (0 when absent)
 * @param nanos            {@code timestamp}, nanoseconds of the second
 * @param labels           {@code LogEntry.labels}, in order
 * @param resourceLabels   {@code resource.labels} (cluster_name, location, project_id…)
 * @param delegatedFrom    the first first-party principal of the service-account delegation chain, or null
 * @param request          {@code protoPayload.request} as JSON with numbers as a Struct holds them, {@code @type}
 *                         kept; null when GKE did not log it. Owned by the translator, which may change it.
 * @param response         {@code protoPayload.response}, likewise
 */
record AuditEntry(String insertId, String operationId, boolean hasOperation, boolean operationLast,
                  long seconds, int nanos, Map<String, String> labels, Map<String, String> resourceLabels,
                  String methodName, String resourceName, String principalEmail, String principalSubject,
                  String delegatedFrom, String callerIp, String callerSuppliedUserAgent, int statusCode,
                  String statusMessage, ObjectNode request, ObjectNode response) {

    /** The protobuf form (gRPC poller, or JSON parsed with JsonFormat). */
    static AuditEntry of(LogEntry entry, AuditLog audit) {
        AuthenticationInfo auth = audit.getAuthenticationInfo();
        String delegatedFrom = null;
        for (ServiceAccountDelegationInfo d : auth.getServiceAccountDelegationInfoList()) {
            if (d.hasFirstPartyPrincipal() && !d.getFirstPartyPrincipal().getPrincipalEmail().isEmpty()) {
                delegatedFrom = d.getFirstPartyPrincipal().getPrincipalEmail();
                break;
            }
        }
        return new AuditEntry(entry.getInsertId(), entry.getOperation().getId(), entry.hasOperation(),
                entry.getOperation().getLast(), entry.getTimestamp().getSeconds(), entry.getTimestamp().getNanos(),
                entry.getLabelsMap(), entry.getResource().getLabelsMap(), audit.getMethodName(), audit.getResourceName(),
                auth.getPrincipalEmail(), auth.getPrincipalSubject(), delegatedFrom,
                audit.getRequestMetadata().getCallerIp(), audit.getRequestMetadata().getCallerSuppliedUserAgent(),
                audit.getStatus().getCode(), audit.getStatus().getMessage(),
                audit.hasRequest() ? StructJson.object(audit.getRequest()) : null,
                audit.hasResponse() ? StructJson.object(audit.getResponse()) : null);
    }
}
