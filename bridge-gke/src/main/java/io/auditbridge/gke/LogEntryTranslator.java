package io.auditbridge.gke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.audit.AuditLog;
import com.google.logging.v2.LogEntry;
import com.google.protobuf.InvalidProtocolBufferException;
import io.auditbridge.core.Event;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.Rfc3339;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.Translator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Cloud Logging {@link LogEntry} whose protoPayload is a {@code google.cloud.audit.AuditLog} from
 * {@code k8s.io} → the {@code audit.k8s.io/v1} Event(s) kube-apiserver would have written. Everything GKE
 * does not record is either rebuilt (request URI, HTTP code) or declared missing on the Event.
 *
 * <p>Two forms, one mapping: the gRPC poller's protobuf {@link LogEntry} ({@link #translate(SourceRecord)}), and
 * LogEntry JSON from {@code translate}, Pub/Sub and the Cloud Function ({@link #translate(JsonNode, String)}), read
 * straight from its tree without protobuf. Both become an {@link AuditEntry} and then the same Events, byte for byte
 * ({@code JsonAndProtoPathsAgreeTest}).
 *
 * <p>Streaming requests (exec, attach, portforward) must give Falco exactly one {@code ResponseStarted}
 * event per operation, but GKE may log the operation's first entry, its last, or both. So the first entry
 * yields {@code ResponseStarted}, the last yields {@code ResponseStarted} and {@code ResponseComplete}; the
 * pipeline's (auditID, stage) dedupe drops the second {@code ResponseStarted} when both entries arrive.
 *
 * <p>Thread-safe; its only state is the set of unparseable resource-name shapes already logged.
 */
public final class LogEntryTranslator implements Translator<LogEntry> {
    private static final Logger log = LoggerFactory.getLogger(LogEntryTranslator.class);

    static final String AUDIT_LOG_TYPE = "type.googleapis.com/google.cloud.audit.AuditLog";
    static final String K8S_SERVICE = "k8s.io";
    /** Annotation set on events of dry-run requests ({@code ?dryRun=All}), so rules can ignore them. */
    public static final String ANNOTATION_DRY_RUN = "auditbridge.io/dry-run";

    private static final Set<String> STREAMING = Set.of("exec", "attach", "portforward");
    /** Verbs whose request carries an object in Kubernetes; GKE logs some of those at Metadata level only. */
    private static final Set<String> BODY_VERBS = Set.of("create", "update", "patch");
    private static final List<String> CLUSTER_LABELS = List.of(Event.ANNOTATION_CLUSTER_NAME, "location", "project_id");
    /** {@code core.k8s.io/v1.Pod}, {@code rbac.authorization.k8s.io/v1.ClusterRole}. */
    private static final Pattern TYPE = Pattern.compile("([a-z0-9.-]+)/(v\\d+(?:(?:alpha|beta)\\d+)?)\\.([A-Z][A-Za-z0-9]*)");
    /** Groups that have no dot in Kubernetes; GKE writes them {@code apps.k8s.io}. */
    private static final Set<String> SHORT_GROUPS = Set.of("apps", "batch", "autoscaling", "policy", "extensions");
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final int MAX_LOGGED_SHAPES = 256;

    /** Skip reason of an audit entry written by another Google service (not {@code k8s.io}). */
    static final String SKIP_FOREIGN = "foreign_service";

    private final Set<String> loggedShapes = ConcurrentHashMap.newKeySet();
    private final LongAdder unparsedNames = new LongAdder();
    private final LongAdder nonResource = new LongAdder();

    /** How many entries had a resource name that could not be parsed (their events carry no objectRef). */
    public long unparsedResourceNames() {
        return unparsedNames.sum();
    }

    /** How many entries were non-resource requests ({@code /readyz}, {@code /version}, discovery…): no objectRef. */
    public long nonResourceRequests() {
        return nonResource.sum();
    }

    @Override
    public Translation translate(SourceRecord<LogEntry> record) {
        return translate(record.payload(), record.id());
    }

    /** Translates one entry; {@code recordId} names it in errors and logs. */
    Translation translate(LogEntry entry, String recordId) {
        if (!entry.hasProtoPayload() || !AUDIT_LOG_TYPE.equals(entry.getProtoPayload().getTypeUrl())) {
            return Translation.skipped("not_audit_log");
        }
        AuditLog audit;
        try {
            audit = entry.getProtoPayload().unpack(AuditLog.class);
        } catch (InvalidProtocolBufferException e) {
            return Translation.failed(RecordError.of("invalid_payload", recordId, entry.getInsertId(),
                    "protoPayload is not a valid AuditLog"));
        }
        if (!K8S_SERVICE.equals(audit.getServiceName())) {
            return Translation.skipped(SKIP_FOREIGN);
        }
        return translate(AuditEntry.of(entry, audit), recordId);
    }

    /**
     * Translates one LogEntry given as JSON whose protoPayload is a k8s.io AuditLog (as {@link LogEntryJson} finds
     * them): read straight from the tree when it holds only what GKE writes, else parsed with JsonFormat; both
     * give the same Events.
     */
    Translation translate(JsonNode entry, String recordId) {
        AuditEntry fast = AuditEntryJsonReader.read(entry);
        if (fast != null) {
            return translate(fast, recordId);
        }
        LogEntry parsed;
        try {
            parsed = LogEntryJson.parse(entry);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            // The parser message can quote input; keep only its first clause.
            return Translation.failed(RecordError.of(LogEntryJson.NOT_LOG_ENTRY, recordId, entry.path("insertId").asText(null),
                    "invalid LogEntry: " + LogEntryJson.firstClause(e.getMessage())));
        }
        return translate(parsed, recordId);
    }

    private Translation translate(AuditEntry entry, String recordId) {
        String method = entry.methodName();
        String verb = method.substring(method.lastIndexOf('.') + 1);
        boolean nonResourceRequest = ApiServerRequest.isNonResource(method);
        ResourceName rn = nonResourceRequest ? null : ResourceName.parse(entry.resourceName());
        if (nonResourceRequest) {
            nonResource.increment();
        } else if (rn == null) {
            unparsed(entry.resourceName(), recordId);
        }
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
        ObjectNode request = entry.request() != null ? k8sObject(entry.request()) : null;
        ObjectNode response = entry.response() != null ? k8sObject(entry.response()) : null;
        e.set("responseStatus", responseStatus(response, grpcCode, entry.statusMessage(), verb, streaming));
        if (request != null) {
            e.set("requestObject", request);
        }
        if (response != null) {
            e.set("responseObject", response);
        }
        String ts = Rfc3339.format(entry.seconds(), entry.nanos(), 6); // a k8s MicroTime
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

    /** A request/response body (owned) as the Kubernetes object: {@code @type} as apiVersion/kind. */
    static ObjectNode k8sObject(ObjectNode body) {
        JsonNode type = body.remove("@type");
        if (type == null || body.has("apiVersion") && body.has("kind")) {
            return body;
        }
        Matcher m = TYPE.matcher(type.asText());
        if (!m.matches()) {
            return body;
        }
        String group = m.group(1);
        if (group.equals("core.k8s.io")) {
            group = "";
        } else if (group.endsWith(".k8s.io") && SHORT_GROUPS.contains(group.substring(0, group.length() - 7))) {
            group = group.substring(0, group.length() - 7);
        }
        ObjectNode out = NODES.objectNode();
        out.put("apiVersion", body.has("apiVersion") ? body.get("apiVersion").asText()
                : group.isEmpty() ? m.group(2) : group + "/" + m.group(2));
        out.put("kind", body.has("kind") ? body.get("kind").asText() : m.group(3));
        body.remove("apiVersion");
        body.remove("kind");
        out.setAll(body);
        return out;
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

    private void unparsed(String resourceName, String recordId) {
        unparsedNames.increment();
        String shape = shape(resourceName);
        if (loggedShapes.size() < MAX_LOGGED_SHAPES && loggedShapes.add(shape)) {
            log.warn("resource name of an unknown shape ({}), event sent without objectRef: record={} resourceName={}",
                    shape, recordId, resourceName);
        }
    }

    /** A resource name reduced to its form: segment count and which segments are keywords. */
    static String shape(String resourceName) {
        if (resourceName == null || resourceName.isEmpty()) {
            return "empty";
        }
        String[] p = resourceName.split("/", -1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < p.length; i++) {
            b.append(i == 0 ? "" : "/").append(p[i].isEmpty() ? "" : p[i].equals("namespaces") ? "namespaces" : "*");
        }
        return b.toString();
    }
}
