package io.auditbridge.core.http;

/**
 * Connection-level defences of the JDK HTTP server, which it reads once per process from system properties
 * (documented in the {@code jdk.httpserver} module): how long a request's headers and body may take before the
 * connection is closed ({@code sun.net.httpserver.maxReqTime}: slowloris, a TLS hello on the plain port, a
 * stalled body), how many connections may be open ({@code jdk.httpserver.maxConnections}: more are closed at
 * accept, without an answer), how large a request's headers may be ({@code sun.net.httpserver.maxReqHeaderSize},
 * which with the connection cap bounds the memory of connections whose headers never end), how often idle and newly accepted connections are checked ({@code sun.net.httpserver.clockTick}),
 * and how much of an unread body is drained before the connection is closed
 * ({@code sun.net.httpserver.drainAmount}). A value the operator set (e.g. in {@code JAVA_TOOL_OPTIONS}) wins.
 *
 * <p>Applied before the first server of the process is created (receiver or ops endpoint); later calls change
 * nothing, since the JDK has read them.
 */
public final class HttpServerGuards {
    /** Seconds for a request's headers and body; past it the JDK closes the connection. */
    public static final String MAX_REQUEST_SECONDS = "sun.net.httpserver.maxReqTime";
    /** Open connections per server; more are closed at accept. */
    public static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";
    /** Bytes of request line and headers; more and the JDK closes the connection. */
    public static final String MAX_HEADER_BYTES = "sun.net.httpserver.maxReqHeaderSize";
    /**
     * Seconds from a body fully read to the response sent. Besides bounding a client that does not read its
     * answer, it is what makes the JDK forget a connection whose answer could not be written (the client reset
     * it): without it such a connection stays counted against the connection cap.
     */
    public static final String MAX_RESPONSE_SECONDS = "sun.net.httpserver.maxRspTime";
    public static final String CLOCK_TICK_MILLIS = "sun.net.httpserver.clockTick";
    public static final String DRAIN_BYTES = "sun.net.httpserver.drainAmount";
    public static final String IDLE_SECONDS = "sun.net.httpserver.idleInterval";

    /** Default: the default --request-timeout (30 s) plus a margin, so the receiver's own 503 comes first. */
    static final long DEFAULT_MAX_REQUEST_SECONDS = 35;
    /**
     * Far above what the receiver handles at once (64 requests by default): the JDK counts a connection until its
     * close has been processed, and a client that was answered (a 503 for a stalled body, or "busy") keeps counting
     * while the server drains what it still sends and notices it closed. Under a burst of stalled bodies on a
     * loaded machine, 250 clients at a time kept more than 512 connections counted (measured with {@code ss}: 553
     * server sockets open or closing), and every connection over the old cap of 512 was closed at accept, before
     * any handler ran: the "reset" that stood in for the documented 503. The cap is for connection floods only.
     */
    static final int DEFAULT_MAX_CONNECTIONS = 2048;
    /**
     * The JDK's default is 380 KiB per connection; a bearer token, a client certificate header or Firehose's
     * headers are a few KiB. 32 KiB keeps the worst case of the connection cap times unfinished headers
     * (2048 x 32 KiB) below the old one (512 x 380 KiB).
     */
    static final int DEFAULT_MAX_HEADER_BYTES = 32 * 1024;

    private HttpServerGuards() {}

    /**
     * As {@link #apply()}, with the request read limit a few seconds past {@code requestTimeout}, so a body that
     * stops arriving is answered the receiver's 503 before the JDK closes the connection. Called when a
     * receiver's config is built, which is before any server of the process starts.
     */
    public static synchronized void applyFor(java.time.Duration requestTimeout) {
        long seconds = (requestTimeout.toMillis() + 999) / 1000 + 5;
        setIfAbsent(MAX_REQUEST_SECONDS, Long.toString(Math.max(DEFAULT_MAX_REQUEST_SECONDS, seconds)));
        setIfAbsent(MAX_RESPONSE_SECONDS, Long.toString(Math.max(DEFAULT_MAX_REQUEST_SECONDS, seconds)));
        apply();
    }

    /** Sets the defaults the operator did not set; idempotent. */
    public static synchronized void apply() {
        setIfAbsent(MAX_REQUEST_SECONDS, Long.toString(DEFAULT_MAX_REQUEST_SECONDS));
        setIfAbsent(MAX_RESPONSE_SECONDS, System.getProperty(MAX_REQUEST_SECONDS));
        setIfAbsent(MAX_CONNECTIONS, Integer.toString(DEFAULT_MAX_CONNECTIONS));
        setIfAbsent(MAX_HEADER_BYTES, Integer.toString(DEFAULT_MAX_HEADER_BYTES));
        setIfAbsent(CLOCK_TICK_MILLIS, "1000");
        setIfAbsent(IDLE_SECONDS, "30");
        // Less than a typical body: an unread body is not waited for, the connection is closed instead.
        setIfAbsent(DRAIN_BYTES, Integer.toString(16 * 1024));
    }

    /** The request read limit in effect, in seconds (-1 = none). */
    public static long maxRequestSeconds() {
        return Long.getLong(MAX_REQUEST_SECONDS, -1);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
