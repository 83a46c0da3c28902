package io.auditbridge.gke;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One top-level JSON value of a saved file as {@code translate} streams it: the tree, or why the line it was on
 * is not JSON (an NDJSON file's bad line is reported and the rest still translated).
 */
record JsonValue(JsonNode tree, String malformed) {
    static JsonValue of(JsonNode tree) {
        return new JsonValue(tree, null);
    }

    static JsonValue malformed(String reason) {
        return new JsonValue(null, reason);
    }
}
