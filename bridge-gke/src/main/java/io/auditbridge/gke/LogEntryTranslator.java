package io.auditbridge.gke;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.audit.AuditLog;
import com.google.logging.v2.LogEntry;
import com.google.protobuf.InvalidProtocolBufferException;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.Rfc3339;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.Translator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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

    /** Translates one entry already read from its JSON or protobuf form. */
    Translation translate(AuditEntry entry, String recordId) {
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
        ObjectNode request = entry.request() != null ? k8sObject(entry.request()) : null;
        ObjectNode response = entry.response() != null ? k8sObject(entry.response()) : null;

        List<String> missing = new ArrayList<>(2);
        if (request == null && BODY_VERBS.contains(verb) && !streaming && !"proxy".equals(subresource)) {
            missing.add("requestObject");
        }
        if (streaming) {
            missing.add("requestURI.query"); // GKE drops ?command=…&container=… (exec, attach) and ?ports=…
        }
        EventParts parts = new EventParts(entry, verb, rn, request, response,
                requestUri(rn, verb, entry.resourceName(), nonResourceRequest, dryRun), streaming, dryRun, missing,
                Rfc3339.format(entry.seconds(), entry.nanos(), 6)); // a k8s MicroTime
        if (!streaming) {
            return Translation.of(parts.write("ResponseComplete"));
        }
        boolean last = entry.operationLast() || !entry.hasOperation();
        Event started = parts.write("ResponseStarted");
        if (!last) {
            return Translation.of(started);
        }
        // The last entry also stands for a first one that may never arrive; the pipeline drops the duplicate.
        return Translation.builder().event(started).event(parts.write("ResponseComplete")).build();
    }

    /**
     * What one translated entry's Event holds, written as compact JSON with a generator, field by field, in the order
     * kube-apiserver writes them (no tree is built: building and then serializing one cost a third of a translation).
     */
    private record EventParts(AuditEntry entry, String verb, ResourceName rn, ObjectNode request, ObjectNode response,
                              String requestUri, boolean streaming, boolean dryRun, List<String> missing, String timestamp) {

        Event write(String stage) {
            String auditId = entry.insertId().isEmpty() ? entry.operationId() : entry.insertId();
            ByteArrayBuilder out = new ByteArrayBuilder(1024);
            try (JsonGenerator g = EventJson.MAPPER.createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("kind", "Event");
                g.writeStringField("apiVersion", "audit.k8s.io/v1");
                g.writeStringField("level", response != null ? "RequestResponse" : request != null ? "Request" : "Metadata");
                g.writeStringField("auditID", auditId);
                g.writeStringField("stage", stage);
                g.writeStringField("requestURI", requestUri);
                g.writeStringField("verb", verb);
                user(g, entry);
                String ip = entry.callerIp();
                if (!ip.isEmpty()) {
                    g.writeArrayFieldStart("sourceIPs");
                    g.writeString(ip);
                    g.writeEndArray();
                }
                String agent = entry.callerSuppliedUserAgent();
                if (!agent.isEmpty()) {
                    g.writeStringField("userAgent", agent);
                }
                if (rn != null) {
                    objectRef(g, rn, verb);
                }
                responseStatus(g, response, entry.statusCode(), entry.statusMessage(), verb, streaming);
                if (request != null) {
                    g.writeFieldName("requestObject");
                    g.writeTree(request);
                }
                if (response != null) {
                    g.writeFieldName("responseObject");
                    g.writeTree(response);
                }
                g.writeStringField("requestReceivedTimestamp", timestamp);
                g.writeStringField("stageTimestamp", timestamp);
                annotations(g);
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory cannot fail", e);
            }
            return Event.ofWritten(out.toByteArray(), auditId, stage, timestamp);
        }

        /**
         * The entry's labels, then the cluster labels, the dry-run mark, the source and the declared gaps. A label
         * spelled like one of those is replaced where it stands (as a JSON object's put does); that rare case goes
         * through a map.
         */
        private void annotations(JsonGenerator g) throws IOException {
            g.writeObjectFieldStart("annotations");
            Map<String, String> labels = entry.labels();
            Map<String, String> resourceLabels = entry.resourceLabels();
            boolean clash = false;
            for (String key : OWN_ANNOTATIONS) {
                clash |= labels.containsKey(key);
            }
            if (!clash) {
                for (Map.Entry<String, String> l : labels.entrySet()) {
                    g.writeStringField(l.getKey(), l.getValue());
                }
                for (String key : CLUSTER_LABELS) {
                    String v = resourceLabels.get(key);
                    if (v != null) {
                        g.writeStringField(key, v);
                    }
                }
                if (dryRun) {
                    g.writeStringField(ANNOTATION_DRY_RUN, "true");
                }
                g.writeStringField(Event.ANNOTATION_SOURCE, "gke");
                if (!missing.isEmpty()) {
                    g.writeStringField(Event.ANNOTATION_MISSING, String.join(",", missing));
                }
            } else {
                Map<String, String> a = new LinkedHashMap<>(labels);
                for (String key : CLUSTER_LABELS) {
                    String v = resourceLabels.get(key);
                    if (v != null) {
                        a.put(key, v);
                    }
                }
                if (dryRun) {
                    a.put(ANNOTATION_DRY_RUN, "true");
                }
                a.put(Event.ANNOTATION_SOURCE, "gke");
                if (!missing.isEmpty()) {
                    a.put(Event.ANNOTATION_MISSING, mergeMissing(a.get(Event.ANNOTATION_MISSING), missing));
                }
                for (Map.Entry<String, String> e : a.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
            }
            g.writeEndObject();
        }
    }

    /** Annotation keys the translator writes itself. */
    private static final List<String> OWN_ANNOTATIONS = List.of(Event.ANNOTATION_CLUSTER_NAME, "location", "project_id",
            ANNOTATION_DRY_RUN, Event.ANNOTATION_SOURCE, Event.ANNOTATION_MISSING);

    /** As {@link Event#declareMissing}: the fields already declared (a label of that name), then these, once each. */
    private static String mergeMissing(String declared, List<String> missing) {
        Set<String> all = new LinkedHashSet<>();
        if (declared != null) {
            for (String f : declared.split(",")) {
                if (!f.isBlank()) {
                    all.add(f.trim());
                }
            }
        }
        all.addAll(missing);
        return String.join(",", all);
    }

    private static void user(JsonGenerator g, AuditEntry entry) throws IOException {
        String principal = entry.principalEmail().isEmpty() ? entry.principalSubject() : entry.principalEmail();
        String original = entry.delegatedFrom();
        boolean impersonated = original != null && !original.equals(principal);
        // The caller acted as the principal: Kubernetes calls that impersonation.
        g.writeObjectFieldStart("user");
        g.writeStringField("username", impersonated ? original : principal);
        g.writeEndObject();
        if (impersonated) {
            g.writeObjectFieldStart("impersonatedUser");
            g.writeStringField("username", principal);
            g.writeEndObject();
        }
    }

    private static void objectRef(JsonGenerator g, ResourceName rn, String verb) throws IOException {
        g.writeObjectFieldStart("objectRef");
        g.writeStringField("resource", rn.resource());
        String namespace = ApiServerRequest.objectRefNamespace(rn, verb);
        if (namespace != null) {
            g.writeStringField("namespace", namespace);
        }
        if (rn.name() != null) {
            g.writeStringField("name", rn.name());
        }
        if (!rn.group().isEmpty()) {
            g.writeStringField("apiGroup", rn.group());
        }
        g.writeStringField("apiVersion", rn.version());
        if (rn.subresource() != null) {
            g.writeStringField("subresource", rn.subresource());
        }
        g.writeEndObject();
    }

    private static String requestUri(ResourceName rn, String verb, String resourceName, boolean nonResourceRequest,
                                     boolean dryRun) {
        String path = rn != null ? ApiServerRequest.requestUri(rn, verb)
                : nonResourceRequest ? ApiServerRequest.nonResourceUri(resourceName) : "/" + resourceName;
        return dryRun ? path + "?dryRun=All" : path;
    }

    /** A Status body in the response wins; else the gRPC code; streaming requests switch protocols (101). */
    private static void responseStatus(JsonGenerator g, ObjectNode response, int grpcCode, String message, String verb,
                                       boolean streaming) throws IOException {
        g.writeFieldName("responseStatus");
        if (response != null && "Status".equals(response.path("kind").asText())) {
            // Fields of the body and of the gRPC status mix (an object's put keeps a replaced key in place): as a tree.
            g.writeTree(responseStatusTree(response, grpcCode, message, verb, streaming));
            return;
        }
        g.writeStartObject();
        g.writeObjectFieldStart("metadata");
        g.writeEndObject();
        if (streaming) {
            g.writeNumberField("code", 101);
        } else if (grpcCode == 0) {
            g.writeNumberField("code", verb.equals("create") ? 201 : 200);
        } else {
            GrpcHttpStatus http = GrpcHttpStatus.of(grpcCode);
            g.writeStringField("status", "Failure");
            if (!message.isEmpty()) {
                g.writeStringField("message", message);
            }
            g.writeStringField("reason", http.reason());
            g.writeNumberField("code", http.code());
        }
        g.writeEndObject();
    }

    private static ObjectNode responseStatusTree(ObjectNode response, int grpcCode, String message, String verb, boolean streaming) {
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
