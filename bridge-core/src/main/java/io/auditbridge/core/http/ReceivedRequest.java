package io.auditbridge.core.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One request as a handler sees it.
 *
 * @param path    the matched path (one of the configured paths)
 * @param query   the raw query string, or null
 * @param headers request headers, names case-insensitive; {@code Authorization} (and {@code Proxy-Authorization})
 *                is removed so it cannot leak
 *                into a handler's logs
 * @param body    the body after {@code Content-Encoding} was undone, within the configured size limits
 * @param remote  the peer address, for logs
 */
public record ReceivedRequest(String path, String query, Map<String, List<String>> headers, byte[] body, String remote) {
    public ReceivedRequest {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> {
            if (k != null && !k.equalsIgnoreCase("Authorization") && !k.equalsIgnoreCase("Proxy-Authorization")) {
                copy.put(k, List.copyOf(v));
            }
        });
        headers = java.util.Collections.unmodifiableMap(copy);
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** The media type of {@code Content-Type} in lower case without parameters, or null. */
    public String mediaType() {
        String ct = header("Content-Type");
        if (ct == null) {
            return null;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }
}
