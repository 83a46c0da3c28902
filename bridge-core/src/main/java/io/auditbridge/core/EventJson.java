package io.auditbridge.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration every module uses for audit JSON.
 *
 * <p>Floats are read as BigDecimal with exact scale so {@code 1.50} is written back as {@code 1.50}; integers
 * stay integral; object key order is kept. That is what makes pass-through exact.
 */
public final class EventJson {
    /** Shared, thread-safe once configured. */
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // Audit bodies can hold Secrets: parse errors must not quote the input.
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private EventJson() {}

    /**
     * The value of {@code bytes} when they hold exactly one complete JSON value, else null (empty, malformed, or
     * followed by more): how the line-oriented inputs tell an NDJSON line from a line of a larger document.
     */
    public static JsonNode wholeValue(byte[] bytes) {
        try (JsonParser p = MAPPER.createParser(bytes)) {
            if (p.nextToken() == null) {
                return null;
            }
            JsonNode value = MAPPER.readTree(p);
            return p.nextToken() == null ? value : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Compact JSON bytes of a tree. */
    public static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compact JSON text of a tree. */
    public static String toString(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
