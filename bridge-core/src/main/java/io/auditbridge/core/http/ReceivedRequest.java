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
 * @param budget  what the request may hold in memory: parse JSON with {@link #jsonReader()} so the tree is charged
 * @param maxRecords records (or log events) the request may hold; a handler answers 413 beyond
 */
public record ReceivedRequest(String path, String query, Map<String, List<String>> headers, byte[] body, String remote,
                              RequestBudget.Lease budget, int maxRecords) {
    /** A request outside any receiver's limits (tests, saved bodies). */
    public ReceivedRequest(String path, String query, Map<String, List<String>> headers, byte[] body, String remote) {
        this(path, query, headers, body, remote, RequestBudget.unlimited(), Integer.MAX_VALUE);
    }

    public ReceivedRequest {
        Objects.requireNonNull(budget, "budget");
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

    /**
     * A reader whose trees are charged to this request's budget as they are built: over the budget the read
     * throws {@link RequestBudget.BusyException} (503) or {@link RequestBudget.TooLargeException} (413), which the
     * receiver answers; handlers let them pass.
     */
    public com.fasterxml.jackson.databind.ObjectReader jsonReader() {
        return io.auditbridge.core.EventJson.MAPPER.reader().with(budget.nodeFactory());
    }

    /** Throws {@link PayloadTooLargeException} when {@code records} exceeds {@link #maxRecords()}. */
    public void checkRecords(long records, String what) throws PayloadTooLargeException {
        if (records > maxRecords) {
            throw new PayloadTooLargeException("more than " + maxRecords + " " + what + " in one request");
        }
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
