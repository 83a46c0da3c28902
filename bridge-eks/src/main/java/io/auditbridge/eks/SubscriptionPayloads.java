package io.auditbridge.eks;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.Gzip;
import io.auditbridge.core.SourceRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Decodes what a CloudWatch Logs subscription delivers: base64 of a gzip of
 * {@code {"messageType":"DATA_MESSAGE"|"CONTROL_MESSAGE","logGroup":…,"logStream":…,"logEvents":[{"id","timestamp","message"}]}}.
 * Lambda receives it as {@code {"awslogs":{"data":…}}}, Firehose as one record's {@code data}.
 *
 * <p>Undecodable input throws {@link IllegalArgumentException} with a one-line reason that never quotes it.
 */
public final class SubscriptionPayloads {
    /** Decompressed payloads larger than this are refused (a gzip bomb must not exhaust the heap). */
    static final int MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

    private SubscriptionPayloads() {}

    /** Decodes base64 → gunzip → JSON payload → one record per log event (or one control-message record). */
    public static List<SourceRecord<CloudWatchLogEvent>> fromBase64Gzip(String data, String name) {
        return fromJson(parse(gunzip(base64(data, name), name), name), name);
    }

    /** The bytes of a record's base64 {@code data} (MIME: line breaks allowed); a one-line error naming the record. */
    static byte[] base64(String data, String name) {
        if (data == null || data.isEmpty()) {
            throw new IllegalArgumentException(name + ": no data");
        }
        try {
            return Base64.getMimeDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": data is not base64");
        }
    }

    /** The records of an already decoded payload. */
    public static List<SourceRecord<CloudWatchLogEvent>> fromJson(JsonNode payload, String name) {
        String type = payload.path("messageType").asText("");
        List<SourceRecord<CloudWatchLogEvent>> out = new ArrayList<>();
        if (type.equals("CONTROL_MESSAGE")) {
            out.add(SourceRecord.unpositioned(name + ":control", CloudWatchLogEvent.controlMessage(name + ":control")));
            return out;
        }
        if (!type.equals("DATA_MESSAGE")) {
            throw new IllegalArgumentException(name + ": not a CloudWatch Logs subscription payload (messageType "
                    + (type.isEmpty() ? "missing" : abbreviate(type)) + ")");
        }
        String stream = payload.path("logStream").asText(null);
        String group = payload.path("logGroup").asText(null);
        JsonNode events = payload.path("logEvents");
        int i = 0;
        for (JsonNode e : events) {
            String id = e.path("id").asText("");
            if (id.isEmpty()) {
                id = name + "#" + i;
            }
            i++;
            JsonNode message = e.get("message");
            String text = message == null || message.isNull() ? "" : message.asText();
            out.add(SourceRecord.unpositioned(id,
                    CloudWatchLogEvent.logEvent(stream, id, e.path("timestamp").asLong(-1), -1, text).withLogGroup(group)));
        }
        return out;
    }

    static boolean isGzip(byte[] bytes) {
        return Gzip.isGzip(bytes);
    }

    static byte[] gunzip(byte[] gz, String name) {
        if (!isGzip(gz)) {
            throw new IllegalArgumentException(name + ": data is not gzip");
        }
        try {
            return Gzip.gunzip(gz, MAX_DECOMPRESSED_BYTES);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    static JsonNode parse(byte[] json, String name) {
        try {
            JsonNode node = EventJson.MAPPER.readTree(json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(name + ": payload is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": payload is not JSON");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
