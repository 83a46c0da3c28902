package io.auditbridge.gke.pubsub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * LogEntry JSON as a Log Router sink publishes it (the REST form of {@code google.logging.v2.LogEntry} with a
 * {@code google.cloud.audit.AuditLog} protoPayload, written from the documented format): one Kubernetes API
 * request per entry, insertId {@code <prefix>-<n>}, which the translator makes the Event's auditID.
 */
public final class AuditEntries {
    private AuditEntries() {}

    public static String insertId(String prefix, int n) {
        return prefix + "-" + n;
    }

    /** {@code count} configmap-update entries of {@code cluster}; {@code padding} bytes of request body each. */
    public static List<byte[]> k8s(String prefix, int count, String cluster, int padding) {
        List<byte[]> out = new ArrayList<>(count);
        String pad = "x".repeat(padding);
        for (int i = 0; i < count; i++) {
            out.add(entry(insertId(prefix, i), cluster, pad).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    public static String entry(String insertId, String cluster, String pad) {
        String request = pad.isEmpty() ? "" : """
                    "request": {"@type": "core.k8s.io/v1.ConfigMap", "apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": "cm", "namespace": "default"}, "data": {"pad": "%s"}},
                """.formatted(pad);
        return """
                {
                  "insertId": "%1$s",
                  "labels": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "access granted by IAM permissions."},
                  "logName": "projects/demo-project/logs/cloudaudit.googleapis.com%%2Factivity",
                  "operation": {"first": true, "last": true, "id": "%1$s", "producer": "k8s.io"},
                  "protoPayload": {
                    "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                    "authenticationInfo": {"principalEmail": "alice@example.com"},
                    "methodName": "io.k8s.core.v1.configmaps.update",
                    "requestMetadata": {"callerIp": "203.0.113.7", "callerSuppliedUserAgent": "kubectl/v1.31.2"},
                    %3$s
                    "resourceName": "core/v1/namespaces/default/configmaps/cm",
                    "serviceName": "k8s.io",
                    "status": {}
                  },
                  "receiveTimestamp": "2026-11-30T01:03:05.123456Z",
                  "resource": {"type": "k8s_cluster", "labels": {"cluster_name": "%2$s", "location": "europe-west1", "project_id": "demo-project"}},
                  "severity": "NOTICE",
                  "timestamp": "2026-11-30T01:03:05.100000Z"
                }
                """.formatted(insertId, cluster, request);
    }

    /** A Compute Engine audit entry: a LogEntry with an AuditLog, but not from Kubernetes. */
    public static byte[] computeAudit(String insertId) {
        return """
                {"insertId": "%s", "logName": "projects/demo-project/logs/cloudaudit.googleapis.com%%2Factivity",
                 "protoPayload": {"@type": "type.googleapis.com/google.cloud.audit.AuditLog", "serviceName": "compute.googleapis.com",
                   "methodName": "v1.compute.instances.insert", "resourceName": "projects/demo-project/zones/europe-west1-b/instances/vm-1"},
                 "resource": {"type": "gce_instance", "labels": {"instance_id": "1", "zone": "europe-west1-b", "project_id": "demo-project"}},
                 "timestamp": "2026-11-30T01:03:05Z"}
                """.formatted(insertId).getBytes(StandardCharsets.UTF_8);
    }

    /** A LogEntry with a text payload (an application log line routed to the same topic by a broad filter). */
    public static byte[] textEntry(String insertId) {
        return """
                {"insertId": "%s", "logName": "projects/demo-project/logs/stdout", "textPayload": "hello",
                 "resource": {"type": "k8s_container", "labels": {"cluster_name": "prod-1"}}, "timestamp": "2026-11-30T01:03:05Z"}
                """.formatted(insertId).getBytes(StandardCharsets.UTF_8);
    }
}
