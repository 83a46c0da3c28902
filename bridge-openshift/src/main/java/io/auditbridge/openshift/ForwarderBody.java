package io.auditbridge.openshift;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.Gzip;
import io.auditbridge.core.JsonErrors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits what a ClusterLogForwarder http output sends into records: a JSON array ({@code format: json}, the
 * default), NDJSON ({@code format: ndjson}, or the 5.x fluentd output), a single object, or any sequence of
 * those. The same code reads saved request bodies for {@code translate}, where gzip is recognised by its
 * magic bytes.
 */
public final class ForwarderBody {
    private ForwarderBody() {}

    /** The records of a JSON body; malformed JSON throws IllegalArgumentException with a one-line reason. */
    public static List<JsonNode> records(byte[] json) {
        List<JsonNode> out = new ArrayList<>();
        try (JsonParser p = EventJson.MAPPER.createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        out.add(EventJson.MAPPER.readTree(p));
                    }
                } else if (t == JsonToken.START_OBJECT) {
                    out.add(EventJson.MAPPER.readTree(p));
                } else {
                    throw new IllegalArgumentException("expected a JSON array or objects, found a "
                            + (t.isNumeric() ? "number" : t.isBoolean() ? "boolean" : t == JsonToken.VALUE_STRING ? "string" : "null")
                            + " after record " + out.size());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON: " + JsonErrors.describe(e));
        }
        return out;
    }

    /** Undoes gzip when the bytes start with its magic number, reading at most {@code maxBytes}. */
    static byte[] gunzipIfGzip(byte[] bytes, long maxBytes) {
        return Gzip.isGzip(bytes) ? Gzip.gunzip(bytes, maxBytes) : bytes;
    }
}
