package io.auditbridge.core.sink;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventWriter;
import io.auditbridge.core.Sink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import okio.BufferedSink;

/**
 * POSTs each batch as one {@code audit.k8s.io/v1 EventList} to a webhook (Falco k8saudit, the Sysdig agent,
 * the detector's {@code serve}). Maps the answer to a {@link DeliveryResult}: 2xx Delivered; IO errors, 408,
 * 429 and 5xx Retry (with Retry-After); 400, 413 and 422, the answers about content, Rejected with the status
 * and the start of the body; every other status (3xx, 401, 403, 404, 405, 407, 411, 415, …) Unusable: the sink
 * is misconfigured, which says nothing about these events.
 *
 * <p>The bearer token is read through a supplier on every request (so a rotated file is picked up) and is
 * never part of a log line, a metric or an exception message.
 *
 * <p>Up to {@link Builder#maxConcurrentRequests} batches are sent at once, each on its own connection: on a
 * loopback or in-cluster webhook one request at a time spends most of its time waiting for the answer. The body
 * is written straight from each Event's bytes into the connection (gzip'd bodies are compressed first), so a
 * batch is not copied into a second buffer.
 */
public final class WebhookSink implements Sink {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_REASON_BODY = 512;

    private final HttpUrl url;
    private final OkHttpClient client;
    private final Supplier<String> token;
    private final boolean gzip;
    private final Clock clock;
    private final int maxConcurrentRequests;
    private volatile boolean lastFailed;

    private WebhookSink(Builder b) {
        this.url = b.url;
        this.token = b.token;
        this.gzip = b.gzip;
        this.clock = b.clock;
        this.maxConcurrentRequests = b.maxConcurrentRequests;
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(b.connectTimeout)
                .readTimeout(b.requestTimeout)
                .writeTimeout(b.requestTimeout)
                .callTimeout(b.requestTimeout.plus(b.connectTimeout))
                // Retrying is the pipeline's job: it knows the budget and counts the attempts.
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                // Keep one idle connection per concurrent request, so batches do not reconnect.
                .connectionPool(new ConnectionPool(Math.max(5, b.maxConcurrentRequests), 5, TimeUnit.MINUTES))
                // OkHttp re-sends at once a 503 that carries "Retry-After: 0", skipping our backoff; without the
                // header the 503 reaches the pipeline, whose policy waits at least its own delay.
                .addNetworkInterceptor(chain -> {
                    Response r = chain.proceed(chain.request());
                    String ra = r.header("Retry-After");
                    return r.code() == 503 && ra != null && ra.trim().matches("0+")
                            ? r.newBuilder().removeHeader("Retry-After").build() : r;
                });
        if (b.tls != null) {
            http.sslSocketFactory(b.tls.sslSocketFactory(), b.tls.trustManager());
        }
        this.client = http.build();
    }

    public static Builder builder(String url) {
        return new Builder(url);
    }

    @Override
    public int maxConcurrentDeliveries() {
        return maxConcurrentRequests;
    }

    @Override
    public DeliveryResult deliver(List<Event> events) throws InterruptedException {
        Request.Builder req = new Request.Builder().url(url);
        RequestBody body;
        if (gzip) {
            req.header("Content-Encoding", "gzip");
            body = RequestBody.create(gzip(events), JSON);
        } else {
            body = new EventListBody(events);
        }
        String bearer = token == null ? null : token.get();
        if (bearer != null && !bearer.isEmpty()) {
            req.header("Authorization", "Bearer " + bearer);
        }
        req.post(body);
        try (Response response = client.newCall(req.build()).execute()) {
            DeliveryResult result = classify(response, bearer);
            lastFailed = result instanceof DeliveryResult.Retry || result instanceof DeliveryResult.Unusable;
            return result;
        } catch (InterruptedIOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("delivery interrupted");
            }
            lastFailed = true;
            return new DeliveryResult.Retry("timeout: " + e.getClass().getSimpleName(), null, "timeout");
        } catch (java.net.ProtocolException e) {
            lastFailed = true;
            if (e.getMessage() != null && e.getMessage().contains("(407)")) {
                // OkHttp turns a 407 into an exception when no proxy is configured: a misconfiguration all the same.
                return new DeliveryResult.Unusable("HTTP 407 proxy authentication required", "407");
            }
            return new DeliveryResult.Retry("io: ProtocolException: " + e.getMessage(), null, "io");
        } catch (IOException e) {
            lastFailed = true;
            // IOException messages from OkHttp name the host and the cause, never headers.
            return new DeliveryResult.Retry("io: " + e.getClass().getSimpleName() + ": " + e.getMessage(), null, "io");
        }
    }

    private DeliveryResult classify(Response response, String bearer) throws IOException {
        int code = response.code();
        if (code >= 200 && code < 300) {
            return DeliveryResult.DELIVERED;
        }
        String reason = "HTTP " + code + bodyStart(response);
        if (bearer != null && !bearer.isEmpty()) {
            // Some servers echo the request's headers in error pages; the reason is logged and dead-lettered.
            reason = reason.replace(bearer, "[redacted]");
        }
        String status = Integer.toString(code);
        if (code == 408 || code == 429 || code >= 500) {
            return new DeliveryResult.Retry(reason, retryAfter(response.header("Retry-After")), status);
        }
        if (code == 400 || code == 413 || code == 422) {
            return new DeliveryResult.Rejected(reason, status);
        }
        if (code >= 300 && code < 400) {
            String location = response.header("Location");
            HttpUrl to = location == null ? null : response.request().url().resolve(location);
            reason = "HTTP " + code + " redirect" + (to == null ? "" : " to " + redacted(to))
                    + " (redirects are not followed: set --sink to the final URL)";
        }
        return new DeliveryResult.Unusable(reason, status);
    }

    /** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static String bodyStart(Response response) throws IOException {
        String text = response.peekBody(MAX_REASON_BODY).string().replaceAll("\\s+", " ").trim();
        return text.isEmpty() ? "" : ": " + text;
    }

    /**
     * A batch as one {@code EventList}, written from the Events' own bytes into the request: the same bytes as
     * {@link EventWriter#toEventList}, without building that array first.
     */
    static final class EventListBody extends RequestBody {
        private final List<Event> events;
        private final long length;

        EventListBody(List<Event> events) {
            this.events = events;
            this.length = EventWriter.eventListLength(events);
        }

        @Override
        public MediaType contentType() {
            return JSON;
        }

        @Override
        public long contentLength() {
            return length;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            EventWriter.writeEventList(sink.outputStream(), events);
        }
    }

    static byte[] gzip(List<Event> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64, EventWriter.eventListLength(events) / 6 + 64));
        // Level 1: level 6 halves a bridge's per-core throughput for ~25 % smaller bodies (java-stack.md §6).
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            EventWriter.writeEventList(gz, events);
        } catch (IOException e) {
            throw new AssertionError("in-memory gzip does not fail", e);
        }
        return out.toByteArray();
    }

    @Override
    public boolean isReady() {
        return !lastFailed;
    }

    @Override
    public String describe() {
        return "webhook " + redacted(url);
    }

    /** The URL without user info or query (either may carry a credential). */
    public static String redacted(HttpUrl url) {
        return url.scheme() + "://" + url.host() + ":" + url.port() + url.encodedPath();
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return describe();
    }

    public static final class Builder {
        private final HttpUrl url;
        private Supplier<String> token;
        private boolean gzip;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private HandshakeCertificates tls;
        private String caPem;
        private String clientCertPem;
        private Clock clock = Clock.systemUTC();
        private int maxConcurrentRequests = 1;

        private Builder(String url) {
            HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(url, "url"));
            if (parsed == null) {
                throw new IllegalArgumentException("sink URL must be an http:// or https:// URL");
            }
            this.url = parsed;
        }

        /** Supplies the bearer token per request; null or empty sends none. */
        public Builder bearerToken(Supplier<String> token) {
            this.token = token;
            return this;
        }

        public Builder gzip(boolean gzip) {
            this.gzip = gzip;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive("connect timeout", d);
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive("request timeout", d);
            return this;
        }

        /** PEM certificates to trust in addition to the platform's (a private CA). */
        public Builder caCertificatesPem(String pem) {
            this.caPem = pem;
            return this;
        }

        /** Client certificate and its PKCS#8 private key, PEM, for mutual TLS. */
        public Builder clientCertificatePem(String certificateAndKeyPem) {
            this.clientCertPem = certificateAndKeyPem;
            return this;
        }

        /**
         * How many batches may be on their way at once, each on its own connection and delivery thread; the
         * default, 1, sends one batch at a time, in order ({@code --sink-concurrency} defaults to more).
         */
        public Builder maxConcurrentRequests(int n) {
            if (n < 1 || n > 64) {
                throw new IllegalArgumentException("concurrent requests must be within 1..64: " + n);
            }
            this.maxConcurrentRequests = n;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public WebhookSink build() {
            if (caPem != null || clientCertPem != null) {
                HandshakeCertificates.Builder hc = new HandshakeCertificates.Builder().addPlatformTrustedCertificates();
                if (caPem != null) {
                    for (var cert : Pem.certificates(caPem)) {
                        hc.addTrustedCertificate(cert);
                    }
                }
                if (clientCertPem != null) {
                    hc.heldCertificate(HeldCertificate.decode(clientCertPem));
                }
                tls = hc.build();
            }
            return new WebhookSink(this);
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0: " + d);
            }
            return d;
        }
    }
}
