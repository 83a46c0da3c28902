package io.auditbridge.gke;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.auditbridge.core.Rfc3339;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@link AuditEntry} of a GKE audit LogEntry straight from its JSON: no protobuf, no second parse, the
 * timestamp parsed once ({@link Rfc3339}). It reads tokens, so one implementation serves a tree ({@link #read(JsonNode)},
 * Pub/Sub and the Cloud Function) and a file streamed without building one ({@link #read(JsonParser)}, {@code translate}).
 * It knows the fields GKE audit entries carry and checks each the way JsonFormat would (type, enum name, timestamp
 * shape); for anything else (another field, a null, a value of another JSON type, {@code status.details}, a timestamp
 * in an unusual spelling, a key written twice) it answers null and the caller parses the entry with JsonFormat, so an
 * entry either reads here exactly as through protobuf or not at all. {@code JsonAndProtoPathsAgreeTest} holds the two
 * paths to the same Events, and the streamed reading to the tree's.
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
    /** The most members any object this reads may have (auditLog's eleven); more is left to the tree. */
    private static final int MAX_MEMBERS = 16;

    private String insertId = "";
    private boolean insertIdSeen;
    private String operationId = "";
    private boolean hasOperation;
    private boolean operationLast;
    private Instant timestamp;
    private Map<String, String> labels = Map.of();
    private Map<String, String> resourceLabels = Map.of();
    private boolean auditLogType;
    private boolean k8sService;
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

    /** An entry read from a stream, with the insertId that names it (null when the entry has none). */
    record Read(AuditEntry entry, String insertId) {}

    /** The entry, or null when the tree holds something only JsonFormat can judge. */
    static AuditEntry read(JsonNode entry) {
        try (JsonParser p = entry.traverse(EventJson.MAPPER)) {
            p.nextToken();
            Read r = read(p);
            return r == null ? null : r.entry();
        } catch (IOException e) {
            throw new UncheckedIOException("a tree cannot fail to read", e);
        }
    }

    /**
     * Reads the object whose {@code START_OBJECT} is the parser's current token, through its {@code END_OBJECT}. Null
     * when it holds something only JsonFormat can judge, or is not a k8s.io AuditLog entry (no such {@code @type} and
     * {@code serviceName}): the parser then stands anywhere inside the object, and the caller skips the rest and reads
     * the entry as a tree. Malformed JSON throws as the parser does.
     */
    static Read read(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            return null;
        }
        AuditEntryJsonReader r = new AuditEntryJsonReader();
        try {
            r.entry(p);
        } catch (Unsupported e) {
            return null;
        }
        if (!r.auditLogType || !r.k8sService) {
            return null; // skipped or refused: the tree path words it
        }
        // Only once every field checked out: the bodies are the Event's, their numbers as a Struct has them.
        ObjectNode request = r.request == null ? null : structNumbers(r.request);
        ObjectNode response = r.response == null ? null : structNumbers(r.response);
        long seconds = r.timestamp == null ? 0 : r.timestamp.getEpochSecond();
        int nanos = r.timestamp == null ? 0 : r.timestamp.getNano();
        return new Read(new AuditEntry(r.insertId, r.operationId, r.hasOperation, r.operationLast, seconds, nanos, r.labels,
                r.resourceLabels, r.methodName, r.resourceName, r.principalEmail, r.principalSubject, r.delegatedFrom,
                r.callerIp, r.userAgent, r.statusCode, r.statusMessage, request, response), r.insertIdSeen ? r.insertId : null);
    }

    /** Reads one member's value; throws {@link #UNSUPPORTED} for a name the JSON path does not know. */
    @FunctionalInterface
    private interface Member {
        void read(String name, JsonToken value) throws IOException;
    }

    /**
     * Reads each member of the object whose {@code START_OBJECT} is {@code v}, through its {@code END_OBJECT}. A name
     * written twice is left to the tree (which keeps the last value, where reading as we go would keep each).
     */
    private static void members(JsonParser p, JsonToken v, Member member) throws IOException {
        object(v);
        String[] seen = new String[MAX_MEMBERS];
        int count = 0;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            for (int i = 0; i < count; i++) {
                if (seen[i].equals(name)) {
                    throw UNSUPPORTED;
                }
            }
            if (count == MAX_MEMBERS) {
                throw UNSUPPORTED;
            }
            seen[count++] = name;
            member.read(name, p.nextToken());
        }
    }

    private void entry(JsonParser p) throws IOException {
        members(p, JsonToken.START_OBJECT, (name, v) -> {
            switch (name) {
                case "logName" -> text(p, v);
                case "insertId" -> {
                    insertId = text(p, v);
                    insertIdSeen = true;
                }
                case "timestamp" -> timestamp = timestamp(p, v);
                case "receiveTimestamp" -> timestamp(p, v); // unused, but JsonFormat would refuse a bad one
                case "severity" -> severity(p, v);
                case "labels" -> labels = stringMap(p, v);
                case "resource" -> members(p, v, (n, fv) -> {
                    switch (n) {
                        case "type" -> text(p, fv);
                        case "labels" -> resourceLabels = stringMap(p, fv);
                        default -> throw UNSUPPORTED;
                    }
                });
                case "operation" -> operation(p, v);
                case "protoPayload" -> auditLog(p, v);
                default -> throw UNSUPPORTED;
            }
        });
    }

    private void operation(JsonParser p, JsonToken v) throws IOException {
        hasOperation = true;
        members(p, v, (name, fv) -> {
            switch (name) {
                case "id" -> operationId = text(p, fv);
                case "producer" -> text(p, fv);
                case "first" -> bool(fv);
                case "last" -> operationLast = bool(fv);
                default -> throw UNSUPPORTED;
            }
        });
    }

    private void auditLog(JsonParser p, JsonToken v) throws IOException {
        members(p, v, (name, fv) -> {
            switch (name) {
                case "@type" -> {
                    if (!LogEntryTranslator.AUDIT_LOG_TYPE.equals(text(p, fv))) {
                        throw UNSUPPORTED;
                    }
                    auditLogType = true;
                }
                case "serviceName" -> k8sService = LogEntryTranslator.K8S_SERVICE.equals(text(p, fv));
                case "methodName" -> methodName = text(p, fv);
                case "resourceName" -> resourceName = text(p, fv);
                case "authenticationInfo" -> members(p, fv, (n, av) -> {
                    switch (n) {
                        case "principalEmail" -> principalEmail = text(p, av);
                        case "principalSubject" -> principalSubject = text(p, av);
                        case "serviceAccountDelegationInfo" -> delegation(p, av);
                        default -> throw UNSUPPORTED;
                    }
                });
                case "authorizationInfo" -> {
                    if (fv != JsonToken.START_ARRAY) {
                        throw UNSUPPORTED;
                    }
                    for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
                        members(p, item, (n, av) -> {
                            switch (n) {
                                case "resource", "permission" -> text(p, av);
                                case "granted" -> bool(av);
                                default -> throw UNSUPPORTED;
                            }
                        });
                    }
                }
                case "requestMetadata" -> members(p, fv, (n, mv) -> {
                    switch (n) {
                        case "callerIp" -> callerIp = text(p, mv);
                        case "callerSuppliedUserAgent" -> userAgent = text(p, mv);
                        case "callerNetwork" -> text(p, mv);
                        default -> throw UNSUPPORTED;
                    }
                });
                case "status" -> members(p, fv, (n, sv) -> {
                    switch (n) {
                        case "code" -> {
                            if (sv != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                                throw UNSUPPORTED;
                            }
                            statusCode = p.getIntValue();
                        }
                        case "message" -> statusMessage = text(p, sv);
                        default -> throw UNSUPPORTED; // details are Anys of other types
                    }
                });
                case "request" -> request = body(p, fv);
                case "response" -> response = body(p, fv);
                case "metadata" -> {
                    object(fv);
                    p.skipChildren();
                }
                default -> throw UNSUPPORTED;
            }
        });
    }

    /** {@code [{"firstPartyPrincipal":{"principalEmail":…}}, …]}: the first non-empty email is who acted. */
    private void delegation(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw UNSUPPORTED;
        }
        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
            // third-party principals, service metadata: JsonFormat
            members(p, item, (name, principal) -> {
                if (!name.equals("firstPartyPrincipal")) {
                    throw UNSUPPORTED;
                }
                String[] email = {""};
                members(p, principal, (n, ev) -> {
                    if (!n.equals("principalEmail")) {
                        throw UNSUPPORTED;
                    }
                    email[0] = text(p, ev);
                });
                if (delegatedFrom == null && !email[0].isEmpty()) {
                    delegatedFrom = email[0];
                }
            });
        }
    }

    /** A string → string object; a key written twice keeps its first place and its last value, as in a tree. */
    private static Map<String, String> stringMap(JsonParser p, JsonToken v) throws IOException {
        object(v);
        Map<String, String> m = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String key = p.currentName();
            m.put(key, text(p, p.nextToken()));
        }
        return m;
    }

    private static void object(JsonToken v) {
        if (v != JsonToken.START_OBJECT) {
            throw UNSUPPORTED;
        }
    }

    /** A request/response body as a tree of its own (the Event carries it whole). */
    private static ObjectNode body(JsonParser p, JsonToken v) throws IOException {
        object(v);
        return (ObjectNode) EventJson.MAPPER.readTree(p);
    }

    private static String text(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw UNSUPPORTED;
        }
        return p.getText();
    }

    private static boolean bool(JsonToken v) {
        if (v == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (v == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw UNSUPPORTED;
    }

    private static Instant timestamp(JsonParser p, JsonToken v) throws IOException {
        Instant t = Rfc3339.canonicalInstant(text(p, v));
        if (t == null) {
            throw UNSUPPORTED;
        }
        return t;
    }

    private static void severity(JsonParser p, JsonToken v) throws IOException {
        if (!SEVERITIES.contains(text(p, v))) {
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
