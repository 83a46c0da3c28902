package io.auditbridge.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What makes a JSON value an audit Event, shared by every translator that forwards Events unchanged. */
public final class EventValidation {
    private static final Pattern AUDIT_ID = Pattern.compile("\"auditID\"\\s*:\\s*\"([^\"\\\\]{1,128})\"");

    private EventValidation() {}

    /**
     * Null when {@code node} is an audit Event; otherwise a short reason naming what is wrong.
     *
     * <p>Recognised the way Falco's k8saudit plugin takes an EventList item: by its own fields, an
     * {@code auditID} and a {@code stageTimestamp} that parses as an RFC 3339 time. {@code kind} and
     * {@code apiVersion} are optional, because kube-apiserver's webhook backend encodes list items without
     * type metadata and many recorded traces carry no {@code apiVersion}; when present they must say
     * {@code Event} and {@code audit.k8s.io/*}.
     */
    public static String problem(JsonNode node) {
        if (node == null || !node.isObject()) {
            return "not a JSON object";
        }
        JsonNode kind = node.get("kind");
        if (kind != null && !(kind.isTextual() && "Event".equals(kind.asText()))) {
            return "kind is " + abbreviate(text(kind)) + ", not Event";
        }
        JsonNode apiVersion = node.get("apiVersion");
        if (apiVersion != null && !(apiVersion.isTextual() && apiVersion.asText().startsWith("audit.k8s.io/"))) {
            return "apiVersion " + abbreviate(text(apiVersion)) + " is not audit.k8s.io/*";
        }
        if (!node.path("auditID").isTextual() || node.path("auditID").asText().isEmpty()) {
            return "no auditID";
        }
        JsonNode stageTimestamp = node.get("stageTimestamp");
        if (stageTimestamp == null || !stageTimestamp.isTextual()) {
            return "no stageTimestamp";
        }
        if (!isRfc3339(stageTimestamp.asText())) {
            return "stageTimestamp is not an RFC 3339 time";
        }
        return null;
    }

    /** True for an RFC 3339 date-time with a zone ({@code Z} or an offset), any fraction up to nanoseconds. */
    static boolean isRfc3339(String text) {
        if (Rfc3339.canonicalEpochNanos(text) != Rfc3339.NOT_CANONICAL) {
            return true; // the spelling every Event carries, without java.time's cost
        }
        try {
            java.time.OffsetDateTime.parse(text, java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
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

    private static String text(JsonNode v) {
        return v.isTextual() ? v.asText() : v.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
