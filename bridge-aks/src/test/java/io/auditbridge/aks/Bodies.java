package io.auditbridge.aks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.EventJson;

/** Diagnostic Settings message bodies for tests: each audit Event travels as a JSON string in properties.log. */
final class Bodies {
    static final String RESOURCE_ID = "/SUBSCRIPTIONS/0B1C2D3E-0000-4000-8000-00000000A1B2/RESOURCEGROUPS/RG-AUDIT"
            + "/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/PROD-WEU-1";

    private Bodies() {}

    /** The compact JSON text of an audit Event with this auditID. */
    static String event(String auditId, String verb) {
        ObjectNode e = EventJson.MAPPER.createObjectNode();
        e.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "Metadata").put("auditID", auditId)
                .put("stage", "ResponseComplete").put("requestURI", "/api/v1/namespaces/default/configmaps/app")
                .put("verb", verb);
        e.putObject("user").put("username", "alice@example.com").putArray("groups").add("system:authenticated");
        e.putArray("sourceIPs").add("20.50.1.7");
        e.putObject("objectRef").put("resource", "configmaps").put("namespace", "default").put("name", "app").put("apiVersion", "v1");
        e.putObject("responseStatus").put("code", 200);
        e.put("requestReceivedTimestamp", "2026-11-29T10:15:02.118842Z").put("stageTimestamp", "2026-11-29T10:15:02.131007Z");
        return e.toString();
    }

    /** One message body holding a kube-audit record per auditID. */
    static byte[] message(String... auditIds) {
        ObjectNode root = EventJson.MAPPER.createObjectNode();
        ArrayNode records = root.putArray("records");
        for (String id : auditIds) {
            ObjectNode r = records.addObject();
            r.put("operationName", "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read")
                    .put("category", "kube-audit").put("resourceId", RESOURCE_ID).put("time", "2026-11-29T10:15:03.0000000Z");
            r.putObject("properties").put("log", event(id, "update") + "\n").put("stream", "stdout")
                    .put("pod", "kube-apiserver-7c9d8f6b5-x2k4q");
        }
        return root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
