package io.auditbridge.gke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.EventJson;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where the poller is: the timestamp of the newest entry handed on, and the insertIds of every entry at
 * exactly that timestamp. Cloud Logging orders equal timestamps by insertId but several entries can share a
 * timestamp and arrive in different polls; the id set lets a restart skip those already sent without losing
 * the rest. Its string form is the committed position: {@code {"timestamp":"…","insertIds":[…]}}.
 */
record Cursor(Instant timestamp, Set<String> insertIds) {
    Cursor {
        insertIds = Set.copyOf(insertIds);
    }

    static Cursor at(Instant timestamp) {
        return new Cursor(timestamp, Set.of());
    }

    /** The cursor after handing on the entry {@code (insertId, ts)}; an entry older than the cursor leaves it unchanged. */
    Cursor after(String insertId, Instant ts) {
        int c = ts.compareTo(timestamp);
        if (c > 0) {
            return new Cursor(ts, Set.of(insertId));
        }
        if (c == 0 && !insertIds.contains(insertId)) {
            Set<String> ids = new LinkedHashSet<>(insertIds);
            ids.add(insertId);
            return new Cursor(ts, ids);
        }
        return this;
    }

    String encode() {
        ObjectNode o = EventJson.MAPPER.createObjectNode();
        o.put("timestamp", timestamp.toString());
        insertIds.stream().sorted().forEach(o.putArray("insertIds")::add);
        if (!o.has("insertIds")) {
            o.putArray("insertIds");
        }
        return EventJson.toString(o);
    }

    /** Reads a committed position; throws IllegalArgumentException naming what is wrong (never the whole text). */
    static Cursor decode(String position) {
        try {
            JsonNode o = EventJson.MAPPER.readTree(position);
            Instant ts = Instant.parse(o.path("timestamp").asText());
            Set<String> ids = new LinkedHashSet<>();
            o.path("insertIds").forEach(id -> ids.add(id.asText()));
            return new Cursor(ts, ids);
        } catch (IOException | DateTimeParseException e) {
            throw new IllegalArgumentException("committed GKE position is not {\"timestamp\":…,\"insertIds\":[…]}");
        }
    }
}
