package io.auditbridge.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What makes a JSON value an audit Event, shared by every translator that forwards Events unchanged. */
public final class EventValidation {
    private static final Pattern AUDIT_ID = Pattern.compile("\"auditID\"\\s*:\\s*\"([^\"\\\\]{1,128})\"");

    private EventValidation() {}

    /**
     * Null when {@code node} is an {@code audit.k8s.io/v1} (or v1beta1) Event with an auditID and a
     * stageTimestamp; otherwise a short reason naming what is wrong.
     */
    public static String problem(JsonNode node) {
        if (node == null || !node.isObject()) {
            return "not a JSON object";
        }
        JsonNode kind = node.get("kind");
        if (kind == null || !"Event".equals(kind.asText())) {
            return kind == null ? "no kind" : "kind is " + abbreviate(kind.asText()) + ", not Event";
        }
        String apiVersion = node.path("apiVersion").asText("");
        if (!apiVersion.startsWith("audit.k8s.io/")) {
            return apiVersion.isEmpty() ? "no apiVersion" : "apiVersion " + abbreviate(apiVersion) + " is not audit.k8s.io/*";
        }
        if (!node.path("auditID").isTextual() || node.path("auditID").asText().isEmpty()) {
            return "no auditID";
        }
        if (!node.path("stageTimestamp").isTextual()) {
            return "no stageTimestamp";
        }
        return null;
    }

    /** The auditID of a parsed but invalid value, or null. */
    public static String recoverAuditId(JsonNode node) {
        if (node != null && node.path("auditID").isTextual()) {
            return abbreviate(node.get("auditID").asText());
        }
        return null;
    }

    /** The auditID found in text that does not parse (a truncated line), or null. */
    public static String recoverAuditId(CharSequence text) {
        if (text == null) {
            return null;
        }
        Matcher m = AUDIT_ID.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
