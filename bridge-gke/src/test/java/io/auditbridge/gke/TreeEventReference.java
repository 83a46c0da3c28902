package io.auditbridge.gke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.Translation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Event mapping of {@link LogEntryTranslator} as it was before it wrote Events with a generator: it built each
 * Event as a Jackson tree. Kept verbatim as the reference the written bytes are compared with
 * ({@code JsonAndProtoPathsAgreeTest}), so writing directly changes no byte of any Event.
 */
final class TreeEventReference {
    private static final Set<String> STREAMING = Set.of("exec", "attach", "portforward");
    private static final Set<String> BODY_VERBS = Set.of("create", "update", "patch");
    private static final List<String> CLUSTER_LABELS = List.of(Event.ANNOTATION_CLUSTER_NAME, "location", "project_id");
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final String ANNOTATION_DRY_RUN = LogEntryTranslator.ANNOTATION_DRY_RUN;

    private TreeEventReference() {}

    static Translation translate(AuditEntry entry) {
        String method = entry.methodName();
        String verb = method.substring(method.lastIndexOf('.') + 1);
        boolean nonResourceRequest = ApiServerRequest.isNonResource(method);
        ResourceName rn = nonResourceRequest ? null : ResourceName.parse(entry.resourceName());
        String subresource = rn == null ? null : rn.subresource();
        int grpcCode = entry.statusCode();
        // A refused exec never switched protocols: it is an ordinary failed request.
        boolean streaming = subresource != null && STREAMING.contains(subresource) && (grpcCode == 0 || grpcCode == 2);
        boolean dryRun = isDryRun(entry.labels());

        ObjectNode e = NODES.objectNode();
        e.put("kind", "Event");
        e.put("apiVersion", "audit.k8s.io/v1");
        e.put("level", entry.response() != null ? "RequestResponse" : entry.request() != null ? "Request" : "Metadata");
        e.put("auditID", entry.insertId().isEmpty() ? entry.operationId() : entry.insertId());
        e.put("stage", "ResponseComplete");
        e.put("requestURI", requestUri(rn, verb, entry.resourceName(), nonResourceRequest, dryRun));
        e.put("verb", verb);
        user(e, entry);
        String ip = entry.callerIp();
        if (!ip.isEmpty()) {
            e.putArray("sourceIPs").add(ip);
        }
        String agent = entry.callerSuppliedUserAgent();
        if (!agent.isEmpty()) {
            e.put("userAgent", agent);
        }
        if (rn != null) {
            e.set("objectRef", objectRef(rn, verb));
        }
        ObjectNode request = entry.request() != null ? LogEntryTranslator.k8sObject(entry.request()) : null;
        ObjectNode response = entry.response() != null ? LogEntryTranslator.k8sObject(entry.response()) : null;
        e.set("responseStatus", responseStatus(response, grpcCode, entry.statusMessage(), verb, streaming));
        if (request != null) {
            e.set("requestObject", request);
        }
        if (response != null) {
            e.set("responseObject", response);
        }
        String ts = io.auditbridge.core.Rfc3339.format(entry.seconds(), entry.nanos(), 6);
        e.put("requestReceivedTimestamp", ts);
        e.put("stageTimestamp", ts);
        ObjectNode annotations = e.putObject("annotations");
        entry.labels().forEach(annotations::put);
        Map<String, String> resourceLabels = entry.resourceLabels();
        for (String key : CLUSTER_LABELS) {
            String v = resourceLabels.get(key);
            if (v != null) {
                annotations.put(key, v);
            }
        }
        if (dryRun) {
            annotations.put(ANNOTATION_DRY_RUN, "true");
        }
        annotations.put(Event.ANNOTATION_SOURCE, "gke");

        List<String> missing = new ArrayList<>(2);
        if (request == null && BODY_VERBS.contains(verb) && !streaming && !"proxy".equals(subresource)) {
            missing.add("requestObject");
        }
        if (streaming) {
            missing.add("requestURI.query"); // GKE drops ?command=…&container=… (exec, attach) and ?ports=…
        }
        return stages(e, entry, streaming, missing);
    }

    private static Translation stages(ObjectNode e, AuditEntry entry, boolean streaming, List<String> missing) {
        if (!missing.isEmpty()) {
            declareMissing(e, missing);
        }
        if (!streaming) {
            return Translation.of(Event.of(e));
        }
        boolean last = entry.operationLast() || !entry.hasOperation();
        ObjectNode started = e.deepCopy();
        started.put("stage", "ResponseStarted");
        if (!last) {
            return Translation.of(Event.of(started));
        }
        // The last entry also stands for a first one that may never arrive; the pipeline drops the duplicate.
        return Translation.builder().event(Event.of(started)).event(Event.of(e)).build();
    }

    /** As {@link Event#declareMissing}, written into the tree before the Event is made (that merge costs per event). */
    private static void declareMissing(ObjectNode e, List<String> missing) {
        ObjectNode annotations = (ObjectNode) e.get("annotations");
        if (annotations.has(Event.ANNOTATION_MISSING)) {
            // a label of that name came with the entry: merge as Event does
            Event merged = Event.of(annotations.objectNode().set("annotations", annotations.deepCopy())).declareMissing(missing);
            annotations.put(Event.ANNOTATION_MISSING, merged.annotation(Event.ANNOTATION_MISSING));
        } else {
            annotations.put(Event.ANNOTATION_MISSING, String.join(",", missing));
        }
    }

    private static void user(ObjectNode e, AuditEntry entry) {
        String principal = entry.principalEmail().isEmpty() ? entry.principalSubject() : entry.principalEmail();
        String original = entry.delegatedFrom();
        if (original != null && !original.equals(principal)) {
            // The caller acted as the principal: Kubernetes calls that impersonation.
            e.putObject("user").put("username", original);
            e.putObject("impersonatedUser").put("username", principal);
        } else {
            e.putObject("user").put("username", principal);
        }
    }

    private static ObjectNode objectRef(ResourceName rn, String verb) {
        ObjectNode o = NODES.objectNode();
        o.put("resource", rn.resource());
        String namespace = ApiServerRequest.objectRefNamespace(rn, verb);
        if (namespace != null) {
            o.put("namespace", namespace);
        }
        if (rn.name() != null) {
            o.put("name", rn.name());
        }
        if (!rn.group().isEmpty()) {
            o.put("apiGroup", rn.group());
        }
        o.put("apiVersion", rn.version());
        if (rn.subresource() != null) {
            o.put("subresource", rn.subresource());
        }
        return o;
    }

    private static String requestUri(ResourceName rn, String verb, String resourceName, boolean nonResourceRequest,
                                     boolean dryRun) {
        String path = rn != null ? ApiServerRequest.requestUri(rn, verb)
                : nonResourceRequest ? ApiServerRequest.nonResourceUri(resourceName) : "/" + resourceName;
        return dryRun ? path + "?dryRun=All" : path;
    }

    /** A Status body in the response wins; else the gRPC code; streaming requests switch protocols (101). */
    private static ObjectNode responseStatus(ObjectNode response, int grpcCode, String message, String verb, boolean streaming) {
        ObjectNode s = NODES.objectNode();
        s.putObject("metadata");
        if (response != null && "Status".equals(response.path("kind").asText())) {
            for (String f : new String[] {"status", "message", "reason", "details"}) {
                JsonNode v = response.get(f);
                if (v != null) {
                    s.set(f, v);
                }
            }
            JsonNode code = response.get("code");
            if (code != null && code.isIntegralNumber()) {
                s.set("code", code);
                return s;
            }
        }
        if (streaming) {
            s.put("code", 101);
        } else if (grpcCode == 0) {
            s.put("code", verb.equals("create") ? 201 : 200);
        } else {
            GrpcHttpStatus http = GrpcHttpStatus.of(grpcCode);
            if (!s.has("status")) {
                s.put("status", "Failure");
                if (!message.isEmpty()) {
                    s.put("message", message);
                }
                s.put("reason", http.reason());
            }
            s.put("code", http.code());
        }
        return s;
    }

    /** GKE marks dry-run requests with a {@code …/dryRun} label (e.g. {@code command.gke.io/dryRun}). */
    private static boolean isDryRun(Map<String, String> labels) {
        for (Map.Entry<String, String> l : labels.entrySet()) {
            String k = l.getKey();
            if (k.regionMatches(true, k.lastIndexOf('/') + 1, "dryRun", 0, 6) && k.length() - k.lastIndexOf('/') - 1 == 6
                    && !"false".equalsIgnoreCase(l.getValue())) {
                return true;
            }
        }
        return false;
    }

}
