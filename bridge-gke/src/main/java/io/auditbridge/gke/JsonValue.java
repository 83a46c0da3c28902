package io.auditbridge.gke;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One top-level JSON value of a saved file as {@code translate} streams it: a k8s.io audit LogEntry already read
 * without a tree ({@link AuditEntryJsonReader}), else the tree, or why the line it was on is not JSON (an NDJSON
 * file's bad line is reported and the rest still translated).
 */
record JsonValue(AuditEntryJsonReader.Read entry, JsonNode tree, String malformed) {
    static JsonValue of(JsonNode tree) {
        return new JsonValue(null, tree, null);
    }

    static JsonValue read(AuditEntryJsonReader.Read entry) {
        return new JsonValue(entry, null, null);
    }

    static JsonValue malformed(String reason) {
        return new JsonValue(null, null, reason);
    }
}
