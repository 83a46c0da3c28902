package io.auditbridge.gke;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.google.cloud.audit.AuditLog;
import com.google.logging.v2.LogEntry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.RecordError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Finds the LogEntries in the JSON forms they are saved or delivered in: one object, a JSON array as
 * {@code gcloud logging read --format=json} prints, NDJSON, a {@code {"entries":[…]}} API response, a Pub/Sub
 * push body {@code {"message":{"data":"<base64 LogEntry>"}}}, or a structured CloudEvent whose data is such
 * a message. It only finds them: each k8s.io audit entry is handed on as its JSON tree, which
 * {@link LogEntryTranslator#translate(JsonNode, String)} reads directly; {@link #parse(JsonNode)} is the protobuf
 * form of the same entry ({@link JsonFormat} with a TypeRegistry holding AuditLog, so its {@code protoPayload} Any
 * resolves), for entries the direct reader leaves to JsonFormat.
 */
final class LogEntryJson {
    /**
     * AuditLog, and the {@code google.rpc} error details ({@code ErrorInfo}, {@code PreconditionFailure},
     * {@code BadRequest}, … all in one .proto file, added together) that {@code status.details} may carry. In a
     * holder: building the descriptors costs a noticeable part of a short {@code translate} that never needs them.
     */
    private static final class Parser {
        static final JsonFormat.Parser PARSER = JsonFormat.parser()
                .usingTypeRegistry(TypeRegistry.newBuilder().add(AuditLog.getDescriptor())
                        .add(com.google.rpc.PreconditionFailure.getDescriptor()).build())
                .ignoringUnknownFields();
    }

    private LogEntryJson() {}

    /** Error code of an item that is JSON but not a LogEntry (e.g. a Pub/Sub message of another shape). */
    static final String NOT_LOG_ENTRY = "not_log_entry";

    /**
     * One LogEntry found in the input, or why an item is not one. Exactly one of entry/error/skip is set;
     * {@code entry} is the JSON of a LogEntry whose protoPayload is a k8s.io AuditLog (not yet checked further).
     */
    record Item(int index, JsonNode entry, String error, String skip, String insertId) {}

    /** The items of {@code content}, in order; never throws for bad content (bad items are reported). */
    static List<Item> items(byte[] content) {
        List<Item> out = new ArrayList<>();
        for (JsonNode value : values(content, out)) {
            collect(value, out, 0);
        }
        return out;
    }

    /** The items of one JSON value already read (a LogEntry, an array of them, a Pub/Sub body, …). */
    static List<Item> items(JsonNode value) {
        List<Item> out = new ArrayList<>();
        collect(value, out, 0);
        return out;
    }

    /** The top-level JSON values: one, or one per line (NDJSON); unparseable lines become error items. */
    private static List<JsonNode> values(byte[] content, List<Item> errors) {
        List<JsonNode> values = new ArrayList<>();
        try (MappingIterator<JsonNode> it = EventJson.MAPPER.readerFor(JsonNode.class).readValues(content)) {
            while (it.hasNextValue()) {
                values.add(it.nextValue());
            }
            return values;
        } catch (IOException | RuntimeException wholeFailed) {
            values.clear();
        }
        // Not one clean sequence of values: read line by line so one bad line does not hide the rest.
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                values.add(EventJson.MAPPER.readTree(lines[i]));
            } catch (JsonProcessingException e) {
                errors.add(new Item(errors.size(), null, RecordError.MALFORMED_JSON + " at line " + (i + 1), null, null));
            }
        }
        return values;
    }

    private static final int MAX_NESTING = 3;

    private static void collect(JsonNode v, List<Item> out, int depth) {
        int index = out.size();
        if (v.isArray()) {
            v.forEach(element -> collect(element, out, depth));
            return;
        }
        if (!v.isObject()) {
            out.add(new Item(index, null, "not a LogEntry object", null, null));
            return;
        }
        if (v.has("entries") && v.get("entries").isArray()) {
            collect(v.get("entries"), out, depth);
            return;
        }
        JsonNode message = v.has("specversion") ? v.path("data").path("message") : v.path("message");
        if (message.isObject() && depth < MAX_NESTING) {
            JsonNode data = message.get("data");
            if (data == null || !data.isTextual()) {
                out.add(new Item(index, null, "Pub/Sub message without data", null, null));
                return;
            }
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(data.asText());
                for (JsonNode inner : values(decoded, out)) {
                    collect(inner, out, depth + 1);
                }
            } catch (IllegalArgumentException e) {
                out.add(new Item(index, null, "Pub/Sub message data is not base64", null, null));
            }
            return;
        }
        out.add(entry(index, v));
    }

    private static Item entry(int index, JsonNode v) {
        String insertId = v.path("insertId").asText(null);
        JsonNode payload = v.get("protoPayload");
        if (payload == null || !LogEntryTranslator.AUDIT_LOG_TYPE.equals(payload.path("@type").asText())) {
            // Other payload types are not in the TypeRegistry; they are not ours anyway.
            return v.has("insertId") || v.has("logName")
                    ? new Item(index, null, null, "not_audit_log", insertId)
                    : new Item(index, null, "not a LogEntry", null, null);
        }
        if (!LogEntryTranslator.K8S_SERVICE.equals(payload.path("serviceName").asText())) {
            // Another Google service's audit entry: not ours, whatever its payload holds (never parsed).
            return new Item(index, null, null, LogEntryTranslator.SKIP_FOREIGN, insertId);
        }
        return new Item(index, v, null, null, insertId);
    }

    /**
     * The entry as protobuf, parsed with JsonFormat; an entry that fails only because of its
     * {@code protoPayload.status.details} is parsed again without them.
     */
    static LogEntry parse(JsonNode v) throws InvalidProtocolBufferException {
        try {
            return parse(EventJson.toString(v));
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            JsonNode withoutDetails = withoutStatusDetails(v);
            if (withoutDetails == null) {
                throw e;
            }
            return parse(EventJson.toString(withoutDetails));
        }
    }

    private static LogEntry parse(String json) throws InvalidProtocolBufferException {
        LogEntry.Builder b = LogEntry.newBuilder();
        Parser.PARSER.merge(json, b);
        return b.build();
    }

    /**
     * The entry without {@code protoPayload.status.details}, or null when it has none. Those details are Anys
     * whose type may be one no registry here knows; the Event never uses them (the status code and message
     * do), so an entry that fails only because of them still translates.
     */
    static JsonNode withoutStatusDetails(JsonNode entry) {
        JsonNode status = entry.path("protoPayload").path("status");
        if (!status.isObject() || !status.has("details")) {
            return null;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = entry.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.path("protoPayload").path("status")).remove("details");
        return copy;
    }

    /** The first clause of a parser message: the rest can quote the input. */
    static String firstClause(String message) {
        if (message == null) {
            return "unreadable";
        }
        int cut = message.indexOf(':');
        return cut > 0 ? message.substring(0, Math.min(cut, 80)) : message.substring(0, Math.min(message.length(), 80));
    }
}
