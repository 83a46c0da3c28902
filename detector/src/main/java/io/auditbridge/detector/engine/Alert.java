package io.auditbridge.detector.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.EventJson;
import java.util.List;
import java.util.Map;

/**
 * One rule firing on one event, shaped as Falco's JSON output (also what Falcosidekick accepts):
 * {@code hostname, output, output_fields, priority, rule, source, tags, time}.
 *
 * @param outputFields field name → value text, or null when not available; {@code evt.time} is a number
 */
public record Alert(String time, String rule, String priority, String output, Map<String, Object> outputFields,
                    List<String> tags, String hostname) {
    public static final String SOURCE = "k8s_audit";

    public ObjectNode toJson() {
        ObjectNode o = EventJson.MAPPER.createObjectNode();
        o.put("hostname", hostname);
        o.put("output", output);
        ObjectNode fields = o.putObject("output_fields");
        outputFields.forEach((k, v) -> {
            if (v == null) {
                fields.putNull(k);
            } else if (v instanceof Long n) {
                fields.put(k, n);
            } else {
                fields.put(k, v.toString());
            }
        });
        o.put("priority", priority);
        o.put("rule", rule);
        o.put("source", SOURCE);
        ArrayNode t = o.putArray("tags");
        tags.forEach(t::add);
        o.put("time", time);
        return o;
    }

    /** One line of NDJSON, without the newline. */
    public String toJsonLine() {
        return EventJson.toString(toJson());
    }
}
