package io.auditbridge.core.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/** What a handler answers: status, body and extra headers (e.g. {@code Retry-After}). */
public record HandlerResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    public HandlerResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200..599: " + status);
        }
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    public static HandlerResponse json(int status, String json) {
        return new HandlerResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static HandlerResponse text(int status, String text) {
        return new HandlerResponse(status, "text/plain; charset=utf-8",
                (text.endsWith("\n") ? text : text + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The same response with one more header. */
    public HandlerResponse withHeader(String name, String value) {
        var h = new java.util.HashMap<>(headers);
        h.put(name, value);
        return new HandlerResponse(status, contentType, body, h);
    }
}
