package io.auditbridge.detector.fields;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Small JSON helpers with the k8saudit plugin's conventions: strings as-is, anything else as compact JSON. */
final class Json {
    private Json() {}

    /** The node at a path of object keys, or null when any step is absent or JSON null. */
    static JsonNode at(JsonNode root, String... path) {
        JsonNode n = root;
        for (String key : path) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(key);
        }
        return n == null || n.isNull() ? null : n;
    }

    /** The plugin's text of a value: a string's content, or the compact JSON of anything else. */
    static String text(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        // Numbers and booleans print as their JSON text without a serializer round trip (hot: ka.response.code).
        return n.isValueNode() ? n.asText() : EventJson.toString(n);
    }

    static FieldValue scalar(JsonNode root, String... path) {
        return FieldValue.of(text(at(root, path)));
    }

    /** The texts of an array's elements, skipping JSON nulls; null when the node is not an array. */
    static List<String> texts(JsonNode array) {
        if (array == null || !array.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>(array.size());
        for (JsonNode e : array) {
            String t = text(e);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** For each element of an array, the text {@code f} picks, skipping elements where it picks nothing. */
    static List<String> each(JsonNode array, Function<JsonNode, String> f) {
        if (array == null || !array.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>(array.size());
        for (JsonNode e : array) {
            String t = f.apply(e);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }
}
