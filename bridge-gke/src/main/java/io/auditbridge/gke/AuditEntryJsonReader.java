package io.auditbridge.gke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.Rfc3339;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@link AuditEntry} of a GKE audit LogEntry straight from its JSON tree: no protobuf, no second parse,
 * the timestamp parsed once with java.time ({@link Rfc3339}). It knows the fields GKE audit entries carry and checks
 * each the way JsonFormat would (type, enum name, timestamp shape); for anything else (another field, a null, a
 * value of another JSON type, {@code status.details}, a timestamp in an unusual spelling) it answers null and the
 * caller parses the entry with JsonFormat, so an entry either reads here exactly as through protobuf or not at all.
 * {@code JsonAndProtoPathsAgreeTest} holds the two paths to the same Events.
 */
final class AuditEntryJsonReader {
    /** Thrown inside to abandon the JSON path; never escapes. */
    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final Unsupported UNSUPPORTED = new Unsupported();
    /**
     * The names of {@code google.logging.type.LogSeverity} JsonFormat accepts (the enum itself is not touched:
     * loading protobuf costs a short {@code translate} a noticeable part of its time).
     */
    static final Set<String> SEVERITIES =
            Set.of("DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY");
    private static final long MAX_EXACT = 1L << 53; // as StructJson

    private String insertId = "";
    private String operationId = "";
    private boolean hasOperation;
    private boolean operationLast;
    private Instant timestamp;
    private Map<String, String> labels = Map.of();
    private Map<String, String> resourceLabels = Map.of();
    private String methodName = "";
    private String resourceName = "";
    private String principalEmail = "";
    private String principalSubject = "";
    private String delegatedFrom;
    private String callerIp = "";
    private String userAgent = "";
    private int statusCode;
    private String statusMessage = "";
    private ObjectNode request;
    private ObjectNode response;

    private AuditEntryJsonReader() {}

    /** The entry, or null when the tree holds something only JsonFormat can judge. */
    static AuditEntry read(JsonNode entry) {
        AuditEntryJsonReader r = new AuditEntryJsonReader();
        try {
            r.entry(entry);
        } catch (Unsupported e) {
            return null;
        }
        // Only once every field checked out: the bodies are shared with the Event, their numbers as a Struct has them.
        ObjectNode request = r.request == null ? null : structNumbers(r.request);
        ObjectNode response = r.response == null ? null : structNumbers(r.response);
        long seconds = r.timestamp == null ? 0 : r.timestamp.getEpochSecond();
        int nanos = r.timestamp == null ? 0 : r.timestamp.getNano();
        return new AuditEntry(r.insertId, r.operationId, r.hasOperation, r.operationLast, seconds, nanos, r.labels,
                r.resourceLabels, r.methodName, r.resourceName, r.principalEmail, r.principalSubject, r.delegatedFrom,
                r.callerIp, r.userAgent, r.statusCode, r.statusMessage, request, response);
    }

    private void entry(JsonNode v) {
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(v); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode value = f.getValue();
            switch (f.getKey()) {
                case "logName" -> text(value);
                case "insertId" -> insertId = text(value);
                case "timestamp" -> timestamp = timestamp(value);
                case "receiveTimestamp" -> timestamp(value); // unused, but JsonFormat would refuse a bad one
                case "severity" -> severity(value);
                case "labels" -> labels = stringMap(value);
                case "resource" -> resource(value);
                case "operation" -> operation(value);
                case "protoPayload" -> auditLog(value);
                default -> throw UNSUPPORTED;
            }
        }
    }

    private void resource(JsonNode v) {
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(v); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            switch (f.getKey()) {
                case "type" -> text(f.getValue());
                case "labels" -> resourceLabels = stringMap(f.getValue());
                default -> throw UNSUPPORTED;
            }
        }
    }

    private void operation(JsonNode v) {
        hasOperation = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(v); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            switch (f.getKey()) {
                case "id" -> operationId = text(f.getValue());
                case "producer" -> text(f.getValue());
                case "first" -> bool(f.getValue());
                case "last" -> operationLast = bool(f.getValue());
                default -> throw UNSUPPORTED;
            }
        }
    }

    private void auditLog(JsonNode v) {
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(v); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode value = f.getValue();
            switch (f.getKey()) {
                case "@type" -> {
                    if (!LogEntryTranslator.AUDIT_LOG_TYPE.equals(text(value))) {
                        throw UNSUPPORTED;
                    }
                }
                case "serviceName" -> text(value);
                case "methodName" -> methodName = text(value);
                case "resourceName" -> resourceName = text(value);
                case "authenticationInfo" -> authentication(value);
                case "authorizationInfo" -> {
                    if (!value.isArray()) {
                        throw UNSUPPORTED;
                    }
                    for (JsonNode item : value) {
                        authorization(item);
                    }
                }
                case "requestMetadata" -> requestMetadata(value);
                case "status" -> status(value);
                case "request" -> request = object(value);
                case "response" -> response = object(value);
                case "metadata" -> object(value);
                default -> throw UNSUPPORTED;
            }
        }
    }

    private void authentication(JsonNode v) {
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(v); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            switch (f.getKey()) {
                case "principalEmail" -> principalEmail = text(f.getValue());
                case "principalSubject" -> principalSubject = text(f.getValue());
                case "serviceAccountDelegationInfo" -> delegation(f.getValue());
                default -> throw UNSUPPORTED;
            }
        }
    }

    /** {@code [{"firstPartyPrincipal":{"principalEmail":…}}, …]}: the first non-empty email is who acted. */
    private void delegation(JsonNode v) {
        if (!v.isArray()) {
            throw UNSUPPORTED;
        }
        for (JsonNode item : v) {
            for (Iterator<Map.Entry<String, JsonNode>> it = fields(item); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getKey().equals("firstPartyPrincipal")) {
                    throw UNSUPPORTED; // third-party principals, service metadata: JsonFormat
                }
                String email = "";
                for (Iterator<Map.Entry<String, JsonNode>> p = fields(f.getValue()); p.hasNext(); ) {
                    Map.Entry<String, JsonNode> pf = p.next();
                    if (!pf.getKey().equals("principalEmail")) {
                        throw UNSUPPORTED;
                    }
                    email = text(pf.getValue());
                }
                if (delegatedFrom == null && !email.isEmpty()) {
                    delegatedFrom = email;
                }
            }
        }
    }

    private static void authorization(JsonNode v) {
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(v); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            switch (f.getKey()) {
                case "resource", "permission" -> text(f.getValue());
                case "granted" -> bool(f.getValue());
                default -> throw UNSUPPORTED;
            }
        }
    }

    private void requestMetadata(JsonNode v) {
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(v); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            switch (f.getKey()) {
                case "callerIp" -> callerIp = text(f.getValue());
                case "callerSuppliedUserAgent" -> userAgent = text(f.getValue());
                case "callerNetwork" -> text(f.getValue());
                default -> throw UNSUPPORTED;
            }
        }
    }

    private void status(JsonNode v) {
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(v); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            switch (f.getKey()) {
                case "code" -> {
                    if (!f.getValue().isInt()) {
                        throw UNSUPPORTED;
                    }
                    statusCode = f.getValue().intValue();
                }
                case "message" -> statusMessage = text(f.getValue());
                default -> throw UNSUPPORTED; // details are Anys of other types
            }
        }
    }

    private static Map<String, String> stringMap(JsonNode v) {
        Map<String, String> m = new LinkedHashMap<>(Math.max(4, v.size() * 2));
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(v); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            m.put(f.getKey(), text(f.getValue()));
        }
        return m;
    }

    private static ObjectNode object(JsonNode v) {
        if (!(v instanceof ObjectNode o)) {
            throw UNSUPPORTED;
        }
        return o;
    }

    private static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode v) {
        if (!v.isObject()) {
            throw UNSUPPORTED;
        }
        return v.fields();
    }

    private static String text(JsonNode v) {
        if (!v.isTextual()) {
            throw UNSUPPORTED;
        }
        return v.textValue();
    }

    private static boolean bool(JsonNode v) {
        if (!v.isBoolean()) {
            throw UNSUPPORTED;
        }
        return v.booleanValue();
    }

    private static Instant timestamp(JsonNode v) {
        Instant t = Rfc3339.canonicalInstant(text(v));
        if (t == null) {
            throw UNSUPPORTED;
        }
        return t;
    }

    private static void severity(JsonNode v) {
        if (!SEVERITIES.contains(text(v))) {
            throw UNSUPPORTED;
        }
    }

    /**
     * A shallow copy of a request/response body whose numbers are what a {@code google.protobuf.Struct} makes of
     * them (a double, then {@link StructJson}'s integral rule): {@code 1.50} → 1.5, {@code 1e3} → 1000. Gcloud
     * prints Struct numbers already so, so this rarely changes anything; nested nodes are fixed in place.
     */
    private static ObjectNode structNumbers(ObjectNode body) {
        ObjectNode copy = body.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            copy.set(f.getKey(), structNumber(f.getValue()));
        }
        return copy;
    }

    /** The node with every number Struct-shaped; containers are fixed in place and returned. */
    private static JsonNode structNumber(JsonNode v) {
        if (v.isContainerNode()) {
            if (v instanceof ObjectNode o) {
                for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    JsonNode fixed = structNumber(f.getValue());
                    if (fixed != f.getValue()) {
                        f.setValue(fixed);
                    }
                }
            } else {
                ArrayNode a = (ArrayNode) v;
                for (int i = 0; i < a.size(); i++) {
                    JsonNode item = a.get(i);
                    JsonNode fixed = structNumber(item);
                    if (fixed != item) {
                        a.set(i, fixed);
                    }
                }
            }
            return v;
        }
        if (!v.isNumber() || v.isInt()) {
            return v;
        }
        if (v.isLong() && v.longValue() >= -MAX_EXACT && v.longValue() <= MAX_EXACT) {
            return v;
        }
        return StructJson.number(v.doubleValue());
    }
}
