package io.auditbridge.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Generates malformed HTTP requests of every class a hostile or broken client sends, for every receiver's
 * suite (OpenShift, Firehose, detector {@code serve}, the metrics port). Each request is deterministic for its
 * (class, index), written as raw bytes so nothing a client library would fix up gets fixed up.
 *
 * <p>Expectation shared by every port: a 4xx, a 503 only where documented (request timeout, too many
 * concurrent requests, memory budget taken by others), or — for headers that never end — the connection closed
 * by the server; never a hang, never a 2xx, never a 500.
 */
public final class MalformedRequests {
    /** The classes of bad input. */
    public enum Kind {
        TRUNCATED_JSON, WRONG_TYPES, DEEP_NESTING, HUGE_STRINGS, INVALID_UTF8, NUL_BYTES, GZIP_BOMB_OR_AMPLIFICATION,
        BAD_AUTH, WRONG_CONTENT_TYPE, BAD_CONTENT_LENGTH, SLOW_BODY, UNFINISHED_HEADERS
    }

    /**
     * What a good request to the port looks like.
     *
     * @param path        request path
     * @param headers     headers of a good request (credentials, Content-Type), in order
     * @param goodBody    a body the port accepts (a JSON array or object without trailing white space)
     * @param authHeaders the names in {@code headers} that carry credentials (dropped or spoiled by BAD_AUTH)
     * @param maxBodyBytes the port's wire limit (HUGE_STRINGS declares more than it)
     */
    public record Target(String path, Map<String, String> headers, byte[] goodBody, java.util.List<String> authHeaders,
                         long maxBodyBytes) {
        public Target {
            headers = new LinkedHashMap<>(headers);
        }
    }

    /**
     * One request: the bytes sent at once, and what the client does next.
     *
     * @param bytes the head and (part of) the body
     * @param stall true when the client then sends nothing more and waits (slow body, unfinished headers)
     */
    public record Request(Kind kind, int index, byte[] bytes, boolean stall) {}

    private static final byte[] BOMB;
    private static final byte[] DEFLATE_BOMB;
    private static final byte[] AMPLIFICATION;

    static {
        // 17 MiB of zeros (over the receivers' 16 MiB decoded limit) in about 17 KB; and 1 MiB of [{},{},…]
        // (350 000 records, over the 100 000 per request) in a few KB. The full-size 15 MiB case has its own test.
        BOMB = gzip(new byte[17 * 1024 * 1024]);
        DEFLATE_BOMB = deflate(new byte[17 * 1024 * 1024]);
        StringBuilder sb = new StringBuilder(1024 * 1024 + 2).append('[');
        while (sb.length() < 1024 * 1024) {
            sb.append("{},");
        }
        sb.append("{}]");
        AMPLIFICATION = gzip(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private MalformedRequests() {}

    /** The {@code index}-th request of class {@code kind} for {@code target}. */
    public static Request generate(Kind kind, Target t, int index) {
        Random r = new Random(kind.ordinal() * 1_000_003L + index);
        return switch (kind) {
            case TRUNCATED_JSON -> {
                byte[] body = Arrays.copyOf(t.goodBody(), 1 + r.nextInt(t.goodBody().length - 1));
                yield full(kind, index, t, t.headers(), body);
            }
            case WRONG_TYPES -> full(kind, index, t, t.headers(), utf8(switch (index % 6) {
                case 0 -> "\"" + "x".repeat(r.nextInt(200)) + "\"";
                case 1 -> Long.toString(r.nextLong());
                case 2 -> r.nextBoolean() ? "true" : "false";
                case 3 -> "null";
                case 4 -> r.nextDouble() + "e" + r.nextInt(300);
                default -> "\"" + "[{}]".repeat(1 + r.nextInt(50)) + "\"";
            }));
            case DEEP_NESTING -> {
                int depth = 100_000;
                String open = index % 2 == 0 ? "[" : "{\"a\":";
                StringBuilder sb = new StringBuilder(depth * open.length() + depth);
                sb.append(open.repeat(depth));
                if (index % 3 == 0) {
                    sb.append("1").append((index % 2 == 0 ? "]" : "}").repeat(depth));
                }
                yield full(kind, index, t, t.headers(), utf8(sb.toString()));
            }
            case HUGE_STRINGS -> {
                if (index % 2 == 0) {
                    // Declared far over the wire limit; only the start is sent: the 413 must not wait for the rest.
                    Map<String, String> h = new LinkedHashMap<>(t.headers());
                    byte[] start = utf8("[{\"s\":\"" + "a".repeat(4096));
                    yield new Request(kind, index, concat(head(t.path(), h, t.maxBodyBytes() + 1 + r.nextInt(1 << 20)), start), true);
                }
                // An unterminated string of 256 KiB–1 MiB: read, then refused as malformed.
                int n = 256 * 1024 + r.nextInt(768 * 1024);
                byte[] body = new byte[n + 7];
                System.arraycopy(utf8("[{\"s\":\""), 0, body, 0, 7);
                Arrays.fill(body, 7, body.length, (byte) ('a' + index % 26));
                yield full(kind, index, t, t.headers(), body);
            }
            case INVALID_UTF8 -> {
                byte[][] bad = {{(byte) 0xFF, (byte) 0xFE}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
                byte[] b = bad[index % bad.length];
                String prefix = index % 2 == 0 ? "[{\"auditID\":\"" : "[{\"";
                String suffix = index % 2 == 0 ? "\",\"stage\":\"ResponseComplete\"}]" : "\":1}]";
                yield full(kind, index, t, t.headers(), concat(utf8(prefix), b, utf8(suffix)));
            }
            case NUL_BYTES -> full(kind, index, t, t.headers(), switch (index % 4) {
                case 0 -> new byte[1 + r.nextInt(64)];
                case 1 -> concat(utf8("[{\"a\":\"x"), new byte[] {0}, utf8("y\"}]"));
                case 2 -> concat(utf8("["), new byte[] {0}, utf8("{}]"));
                default -> concat(new byte[] {0}, t.goodBody());
            });
            case GZIP_BOMB_OR_AMPLIFICATION -> {
                Map<String, String> h = new LinkedHashMap<>(t.headers());
                byte[] body;
                switch (index % 3) {
                    case 0 -> {
                        h.put("Content-Encoding", "gzip");
                        body = BOMB;
                    }
                    case 1 -> {
                        h.put("Content-Encoding", "deflate");
                        body = DEFLATE_BOMB;
                    }
                    default -> {
                        h.put("Content-Encoding", "gzip");
                        body = AMPLIFICATION;
                    }
                }
                yield full(kind, index, t, h, body);
            }
            case BAD_AUTH -> {
                Map<String, String> h = new LinkedHashMap<>(t.headers());
                for (String name : t.authHeaders()) {
                    switch (index % 4) {
                        case 0 -> h.remove(name);
                        case 1 -> h.put(name, h.getOrDefault(name, "") + "x");
                        case 2 -> h.put(name, "Basic " + java.util.Base64.getEncoder().encodeToString(utf8("admin:" + index)));
                        default -> h.put(name, "Bearer " + "A".repeat(8 * 1024 + r.nextInt(8 * 1024)));
                    }
                }
                if (t.authHeaders().isEmpty()) {
                    h.put("Authorization", "Bearer wrong-" + index);
                }
                yield full(kind, index, t, h, t.goodBody());
            }
            case WRONG_CONTENT_TYPE -> {
                String[] types = {"text/html", "multipart/form-data; boundary=x", "application/xml", "image/png", "",
                        "application/json-patch+json", "text/plain; charset=utf-8", "application/x-www-form-urlencoded"};
                Map<String, String> h = new LinkedHashMap<>(t.headers());
                h.put("Content-Type", types[index % types.length]);
                yield full(kind, index, t, h, t.goodBody());
            }
            case BAD_CONTENT_LENGTH -> {
                String[] lengths = {"1000000000000000", "-5", "abc", "99999999999999999999999", "", "0x10", "1e3"};
                int variant = index % (lengths.length + 2);
                byte[] body = t.goodBody();
                if (variant == lengths.length) {
                    // missing Content-Length (and no chunked encoding), body sent anyway
                    yield new Request(kind, index, concat(headWithout(t.path(), t.headers()), body), false);
                }
                if (variant == lengths.length + 1) {
                    // two different lengths
                    String extra = "Content-Length: " + (body.length + 1) + "\r\n";
                    byte[] h = head(t.path(), t.headers(), body.length);
                    yield new Request(kind, index, concat(insertHeader(h, extra), body), false);
                }
                yield new Request(kind, index, concat(headRawLength(t.path(), t.headers(), lengths[variant]), body), false);
            }
            case SLOW_BODY -> {
                byte[] body = t.goodBody();
                int sent = r.nextInt(Math.max(1, body.length - 1));
                yield new Request(kind, index, concat(head(t.path(), t.headers(), body.length), Arrays.copyOf(body, sent)), true);
            }
            case UNFINISHED_HEADERS -> new Request(kind, index, switch (index % 4) {
                case 0 -> utf8("POST " + t.path() + " HTTP/1.1\r\nHost: localhost\r\n");
                case 1 -> utf8("POST " + t.path() + " HTTP/1.1\r\nX-Slow: " + "a".repeat(1 + r.nextInt(2000)));
                case 2 -> utf8("PO");
                default -> tlsClientHello(r);
            }, true);
        };
    }

    private static Request full(Kind kind, int index, Target t, Map<String, String> headers, byte[] body) {
        return new Request(kind, index, concat(head(t.path(), headers, body.length), body), false);
    }

    static byte[] head(String path, Map<String, String> headers, long contentLength) {
        return headRawLength(path, headers, Long.toString(contentLength));
    }

    private static byte[] headRawLength(String path, Map<String, String> headers, String contentLength) {
        StringBuilder sb = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("Content-Length: ").append(contentLength).append("\r\nConnection: close\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] headWithout(String path, Map<String, String> headers) {
        StringBuilder sb = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("Connection: close\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] insertHeader(byte[] head, String line) {
        String s = new String(head, StandardCharsets.ISO_8859_1);
        int i = s.indexOf("\r\n") + 2;
        return (s.substring(0, i) + line + s.substring(i)).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A TLS 1.2/1.3 ClientHello record header and random handshake bytes, as a TLS client sends to a plain port. */
    private static byte[] tlsClientHello(Random r) {
        byte[] b = new byte[517];
        r.nextBytes(b);
        b[0] = 0x16;
        b[1] = 0x03;
        b[2] = 0x01;
        b[3] = 0x02;
        b[4] = 0x00;
        b[5] = 0x01;
        // no CR LF pair: an HTTP server reading a request line waits for one
        for (int i = 6; i < b.length; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                b[i] = 0x20;
            }
        }
        return b;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out)) {
            d.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
