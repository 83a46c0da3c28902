package io.auditbridge.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/** Builds test Events from a base and JSON merge patches (RFC 7386: objects merge, null deletes, arrays replace). */
public final class TestEvents {
    private static final JsonNode BASE = resource("/upstream/rule-pairs.json").get("base");

    private TestEvents() {}

    public static JsonNode resource(String path) {
        try (InputStream in = TestEvents.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return EventJson.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Event event(JsonNode base, JsonNode... patches) {
        ObjectNode e = base.deepCopy();
        for (JsonNode p : patches) {
            merge(e, p);
        }
        return Event.of(e);
    }

    /** A plain ResponseComplete Event ({@code get pods/web} by kubernetes-admin, 200) patched with {@code patchJson}. */
    public static Event event(String patchJson) {
        return event(BASE, json(patchJson));
    }

    public static void merge(ObjectNode target, JsonNode patch) {
        Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                target.remove(e.getKey());
            } else if (v.isObject() && target.get(e.getKey()) instanceof ObjectNode existing) {
                merge(existing, v);
            } else {
                target.set(e.getKey(), v.deepCopy());
            }
        }
    }
}
