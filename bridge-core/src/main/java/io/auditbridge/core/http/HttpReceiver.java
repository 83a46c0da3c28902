package io.auditbridge.core.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import io.auditbridge.core.FatalErrors;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded HTTP(S) receiver on the JDK's {@code com.sun.net.httpserver} with a virtual thread per request.
 * It does the parts every push endpoint shares, in this order, and hands the handler only what passed:
 *
 * <ol>
 *   <li>exact path (404) and method POST (405);</li>
 *   <li>credentials (401, the body is never read);</li>
 *   <li>from the headers alone, the body still unread: {@code Content-Type} (415), {@code Content-Encoding}
 *       (415), {@code Content-Length} missing (411), zero (400) or over the wire limit (413, sent at once; the
 *       connection is closed without waiting for the body);</li>
 *   <li>a concurrency permit and the body's bytes from the {@link RequestBudget} (503 with {@code Retry-After}
 *       when all are taken);</li>
 *   <li>on a worker thread, within the request timeout: read the body within the wire limit, undo gzip/deflate
 *       within the decoded limit (413), call the handler ({@link PayloadTooLargeException} or a budget charge
 *       beyond the request's share → 413, {@link BadRequestException} → 400, anything else → 500 without its
 *       message). Past the timeout the answer is 503: a worker still reading the body is left to the JDK's
 *       request read limit ({@link HttpServerGuards}) rather than interrupted, because interrupting a read closes
 *       the socket before the 503 could be sent.</li>
 * </ol>
 *
 * An {@link Error} on a request's thread ends the process ({@link FatalErrors}). Every response is logged at
 * debug, every failure at warn; credentials and bodies are never logged.
 */
public final class HttpReceiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpReceiver.class);

    private final HttpReceiverConfig config;
    private final RequestHandler handler;
    private final ResponseObserver observer;
    private final RequestAuthenticator auth;
    private final BodyDecoder decoder;
    private final Semaphore permits;
    private final RequestBudget budget;
    private final Set<String> paths;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** Connections waiting to be accepted: a burst beyond the JDK's default of 50 is reset by the kernel otherwise. */
    static final int BACKLOG = 1024;
    private volatile Thread dispatcher;
    private volatile boolean running;

    private HttpReceiver(HttpReceiverConfig config, RequestHandler handler, ResponseObserver observer) throws IOException {
        HttpServerGuards.apply();
        FatalErrors.install();
        this.config = config;
        this.handler = handler;
        this.observer = observer;
        this.auth = RequestAuthenticator.from(config);
        this.decoder = new BodyDecoder(config.maxBodyBytes(), config.maxDecodedBytes());
        this.permits = new Semaphore(config.maxConcurrent());
        // A charge waits this long for other requests to give memory back before the answer is 503.
        this.budget = new RequestBudget(config.budgetBytes(), Math.min(2000, config.requestTimeout().toMillis() / 4));
        this.paths = Set.copyOf(config.paths());
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        if (config.tls() != null) {
            SSLContext ssl = ServerTls.context(config.tls());
            boolean needClientCert = config.tls().requiresClientCertificate();
            HttpsServer https = HttpsServer.create(address, BACKLOG);
            https.setHttpsConfigurator(new HttpsConfigurator(ssl) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = getSSLContext().getDefaultSSLParameters();
                    p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                    p.setNeedClientAuth(needClientCert);
                    params.setSSLParameters(p);
                }
            });
            this.server = https;
        } else {
            this.server = HttpServer.create(address, BACKLOG);
        }
        for (String path : config.paths()) {
            server.createContext(path, this::exchange);
        }
        // Catch-all: unknown paths are answered (and counted) by us, not by the JDK's bare 404.
        if (!paths.contains("/")) {
            server.createContext("/", this::exchange);
        }
        server.setExecutor(task -> {
            // The JDK hands exchanges over from its dispatcher thread: remember it for isAlive().
            Thread t = Thread.currentThread();
            if (!t.isVirtual()) {
                dispatcher = t;
            }
            executor.execute(task);
        });
    }

    /** Binds and starts serving; the returned receiver is ready for requests. */
    public static HttpReceiver start(HttpReceiverConfig config, RequestHandler handler) throws IOException {
        return start(config, handler, ResponseObserver.NONE);
    }

    /** As {@link #start(HttpReceiverConfig, RequestHandler)}, reporting every answer to {@code observer}. */
    public static HttpReceiver start(HttpReceiverConfig config, RequestHandler handler, ResponseObserver observer)
            throws IOException {
        HttpReceiver receiver = new HttpReceiver(Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(handler, "handler"), Objects.requireNonNull(observer, "observer"));
        receiver.server.start();
        receiver.running = true;
        if (!receiver.auth.required() && !handler.authenticates()
                && (config.tls() == null || !config.tls().requiresClientCertificate())) {
            log.warn("receiver accepts unauthenticated requests: configure a bearer token, basic auth or client certificates");
        }
        log.info("receiver listening on {}://{}:{}{} {}", config.tls() != null ? "https" : "http", config.host(),
                receiver.port(), config.paths(), config);
        return receiver;
    }

    /** The bound port (the chosen one when the config said 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public HttpReceiverConfig config() {
        return config;
    }

    /** Requests being handled now (for a readiness or saturation gauge). */
    public int activeRequests() {
        return config.maxConcurrent() - permits.availablePermits();
    }

    /** Bytes of request memory held now (bodies, decoded bodies, parsed JSON). */
    public long budgetUsed() {
        return budget.used();
    }

    /** For {@code /healthz}: serving, and the JDK's dispatcher thread (once seen) is alive. */
    public boolean isAlive() {
        Thread d = dispatcher;
        return running && (d == null || d.isAlive());
    }

    private void exchange(HttpExchange ex) {
        try {
            exchangeOrFail(ex);
        } catch (Error e) {
            FatalErrors.die("receiver request", e);
        }
    }

    private void exchangeOrFail(HttpExchange ex) {
        long t0 = System.nanoTime();
        Outcome outcome;
        try {
            outcome = process(ex);
        } catch (RuntimeException e) {
            outcome = new Outcome(HandlerResponse.text(500, "internal error"), "receiver error " + e.getClass().getName(), "internal_error");
        }
        HandlerResponse response = outcome.response;
        String failure = outcome.failure;
        int status = response.status();
        long nanos = System.nanoTime() - t0;
        long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
        // Unknown paths are client-chosen text: keep them out of logs and metric tags.
        String path = paths.contains(ex.getRequestURI().getPath()) ? ex.getRequestURI().getPath() : "other";
        // Observed before the answer leaves, so whoever reads the answer also sees it counted.
        try {
            observer.responded(path, status, Duration.ofNanos(nanos));
            if (status >= 400 && status != 500) {
                observer.rejected(path, outcome.reason != null ? outcome.reason : reasonFor(status));
            }
        } catch (RuntimeException e) {
            log.warn("response observer failed: {}", e.getClass().getName());
        }
        try {
            send(ex, response, outcome.drain);
        } catch (IOException e) {
            failure = (failure == null ? "" : failure + "; ") + "response not sent: " + e.getClass().getSimpleName();
        } finally {
            // For a body still being read (timed out) this waits until the JDK's request read limit closes the
            // connection; the answer has been flushed already.
            ex.close();
        }
        if (failure != null) {
            log.warn("{} {} -> {} in {} ms from {}: {}", BadRequestException.oneLine(ex.getRequestMethod()), path, status, ms,
                    ex.getRemoteAddress(), failure);
        } else if (log.isDebugEnabled()) {
            log.debug("{} {} -> {} in {} ms from {}", ex.getRequestMethod(), path, status, ms, ex.getRemoteAddress());
        }
    }

    private static String reasonFor(int status) {
        return switch (status) {
            case 400 -> "malformed";
            case 401, 403 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method";
            case 411 -> "length_required";
            case 413 -> "too_large";
            case 415 -> "unsupported_media_type";
            case 503 -> "unavailable";
            default -> status < 500 ? "other_4xx" : "other_5xx";
        };
    }

    /** The answer, the one-line reason to log when it is a failure, and the metric reason. */
    private record Outcome(HandlerResponse response, String failure, String reason, boolean drain) {
        Outcome(HandlerResponse response, String failure, String reason) {
            this(response, failure, reason, false);
        }

        static Outcome ok(HandlerResponse r) {
            return new Outcome(r, r.status() >= 400 ? "handler answered " + r.status() : null, null);
        }

        static Outcome fail(int status, String why, String reason) {
            return new Outcome(HandlerResponse.text(status, why), why, reason);
        }

        /**
         * The request body was not (fully) read: the connection must not carry another request, and the client
         * must be told so, or it would send its next request into the unread rest.
         */
        Outcome closing() {
            return new Outcome(response.withHeader("Connection", "close"), failure, reason, drain);
        }

        /**
         * After the answer, read and discard the unread body (declared within the wire limit) before closing: a
         * client still writing it would otherwise get a reset instead of the 503 it should retry on.
         */
        Outcome draining() {
            return new Outcome(response, failure, reason, true);
        }
    }

    private Outcome process(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        if (!paths.contains(path)) {
            return Outcome.fail(404, "not found", "not_found").closing();
        }
        if (!ex.getRequestMethod().equals("POST")) {
            Outcome o = Outcome.fail(405, "method not allowed, use POST", "method");
            return new Outcome(o.response.withHeader("Allow", "POST"), o.failure, o.reason).closing();
        }
        if (!auth.accepts(ex.getRequestHeaders().getFirst("Authorization"))) {
            Outcome o = Outcome.fail(401, "unauthorized", "unauthorized");
            return new Outcome(o.response.withHeader("WWW-Authenticate", auth.challenge()), o.failure, o.reason).closing();
        }
        HandlerResponse early = handler.answerBeforeBody(ex.getRequestHeaders()::getFirst);
        if (early != null) {
            Outcome o = Outcome.ok(early);
            return new Outcome(o.response, o.failure, early.status() == 401 ? "unauthorized" : null).closing();
        }
        String mediaType = mediaType(ex.getRequestHeaders().getFirst("Content-Type"));
        if (mediaType != null && !config.mediaTypes().isEmpty() && !config.mediaTypes().contains(mediaType)) {
            return Outcome.fail(415, "Content-Type must be one of " + config.mediaTypes(), "unsupported_media_type").closing();
        }
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        String contentLength = ex.getRequestHeaders().getFirst("Content-Length");
        boolean chunked = ex.getRequestHeaders().getFirst("Transfer-Encoding") != null;
        long declared;
        try {
            decoder.checkEncoding(encoding);
            if (contentLength == null && !chunked) {
                // HTTP/1.1 reads this as an empty body; say what is missing rather than "empty".
                return Outcome.fail(411, "Content-Length or chunked Transfer-Encoding required", "length_required").closing();
            }
            declared = chunked ? config.maxBodyBytes() : decoder.checkDeclaredLength(contentLength);
            if (declared == 0) {
                return Outcome.fail(400, "request body is empty", "empty_body").closing();
            }
        } catch (BodyDecoder.TooLargeException e) {
            // Answered at once; the JDK drains a little of the unread body, then closes the connection.
            return Outcome.fail(413, e.getMessage(), "too_large").closing();
        } catch (BodyDecoder.UnsupportedEncodingException e) {
            return Outcome.fail(415, e.getMessage(), "unsupported_encoding").closing();
        } catch (BadRequestException e) {
            return Outcome.fail(400, e.getMessage(), "bad_length").closing();
        }
        if (!permits.tryAcquire()) {
            return busy("too many concurrent requests (" + config.maxConcurrent() + ")", "busy").closing().draining();
        }
        RequestBudget.Lease lease = budget.lease(budget.capacity());
        try {
            lease.charge(declared);
        } catch (RequestBudget.BusyException e) {
            lease.close();
            permits.release();
            return busy(e.getMessage(), "busy").closing().draining();
        } catch (RequestBudget.TooLargeException e) {
            lease.close();
            permits.release();
            return Outcome.fail(413, e.getMessage(), "too_large").closing();
        }
        CompletableFuture<HandlerResponse> result = new CompletableFuture<>();
        AtomicInteger phase = new AtomicInteger(READING);
        // Started as a plain virtual thread so its finally always runs and always returns the permit and budget.
        Thread worker = Thread.ofVirtual().name("auditbridge-request").start(() -> {
            try {
                result.complete(readAndHandle(ex, path, encoding, lease, phase));
            } catch (Error e) {
                FatalErrors.die("receiver request handler", e);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                lease.close();
                permits.release();
            }
        });
        try {
            return Outcome.ok(result.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            // Interrupt only a worker past its body read: interrupting a socket read closes the socket.
            if (phase.getAndSet(ABANDONED) == HANDLING) {
                worker.interrupt();
            }
            return busy("request timed out after " + config.requestTimeout().toMillis() + " ms", "timeout").closing();
        } catch (InterruptedException e) {
            if (phase.getAndSet(ABANDONED) == HANDLING) {
                worker.interrupt();
            }
            Thread.currentThread().interrupt();
            return busy("receiver shutting down", "unavailable").closing();
        } catch (ExecutionException e) {
            Outcome o = failed(e.getCause());
            return e.getCause() instanceof BodyDecoder.TooLargeException || e.getCause() instanceof IOException ? o.closing() : o;
        }
    }

    private static final int READING = 0;
    private static final int HANDLING = 1;
    private static final int ABANDONED = 2;

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    private HandlerResponse readAndHandle(HttpExchange ex, String path, String encoding, RequestBudget.Lease lease,
                                          AtomicInteger phase) throws Exception {
        long charged = lease.held();
        byte[] wire;
        InputStream in = ex.getRequestBody();
        // Not chunked: the charge is the declared Content-Length, which the JDK's stream ends at.
        boolean chunked = ex.getRequestHeaders().getFirst("Transfer-Encoding") != null;
        wire = decoder.readWire(in, chunked ? -1 : charged);
        if (wire.length == 0) {
            throw new BadRequestException("request body is empty");
        }
        if (wire.length < charged) {
            lease.releaseTo(wire.length); // chunked: the wire limit was charged, the body was smaller
        }
        if (!decoder.isIdentity(encoding)) {
            // The decoded size is known only after decoding: hold its limit while decoding, then what it took.
            long before = lease.held();
            lease.charge(config.maxDecodedBytes());
            byte[] decoded = decoder.decode(wire, encoding);
            lease.releaseTo(before + decoded.length);
            wire = decoded;
        }
        if (config.requireUtf8() && !Utf8.isValid(wire)) {
            throw new BadRequestException("request body is not valid UTF-8");
        }
        if (!phase.compareAndSet(READING, HANDLING)) {
            throw new InterruptedException("request timed out while its body was read");
        }
        ReceivedRequest request = new ReceivedRequest(path, ex.getRequestURI().getRawQuery(), ex.getRequestHeaders(),
                wire, String.valueOf(ex.getRemoteAddress()), lease, config.maxRecordsPerRequest());
        return Objects.requireNonNull(handler.handle(request), "handler returned null");
    }

    private Outcome failed(Throwable cause) {
        return switch (cause) {
            case PayloadTooLargeException e -> Outcome.fail(413, e.getMessage(), "too_large");
            case BadRequestException e -> Outcome.fail(400, e.getMessage(), "malformed");
            case BodyDecoder.TooLargeException e -> Outcome.fail(413, e.getMessage(), "too_large");
            case BodyDecoder.UnsupportedEncodingException e -> Outcome.fail(415, e.getMessage(), "unsupported_encoding");
            case RequestBudget.TooLargeException e -> Outcome.fail(413, e.getMessage(), "too_large");
            case RequestBudget.BusyException e -> busy(e.getMessage(), "busy");
            case IOException e -> Outcome.fail(400, "request body could not be read: " + e.getClass().getSimpleName(), "malformed");
            case InterruptedException e -> busy("handler interrupted", "unavailable");
            // The message may quote the body or name internals: the client gets a fixed text, the log the type.
            default -> new Outcome(HandlerResponse.text(500, "internal error"), "handler failed: " + cause.getClass().getName(),
                    "internal_error");
        };
    }

    private Outcome busy(String why, String reason) {
        long seconds = Math.max(1, (config.retryAfter().toMillis() + 999) / 1000);
        return new Outcome(HandlerResponse.text(503, why).withHeader("Retry-After", Long.toString(seconds)), why, reason);
    }

    private static void send(HttpExchange ex, HandlerResponse response, boolean drain) throws IOException {
        var headers = ex.getResponseHeaders();
        headers.set("Content-Type", response.contentType());
        for (Map.Entry<String, String> h : response.headers().entrySet()) {
            headers.set(h.getKey(), h.getValue());
        }
        byte[] body = response.body().length == 0 ? "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII) : response.body();
        ex.sendResponseHeaders(response.status(), body.length);
        OutputStream out = ex.getResponseBody();
        out.write(body);
        // The answer leaves before the stream is closed: closing reads what is left of the request body first.
        out.flush();
        if (drain) {
            try {
                ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
            } catch (IOException clientGone) {
                // the answer was sent; the close below ends the connection
            }
        }
        // Closing the response stream (not only the exchange) is what lets the JDK server forget the connection
        // when the rest of the body cannot be read; ExchangeImpl.close alone leaves it counted as open.
        out.close();
    }

    /** Stops accepting, gives running requests up to {@code grace} to finish, then closes. */
    public void stop(Duration grace) {
        int port = port();
        running = false;
        server.stop((int) Math.min(Integer.MAX_VALUE, Math.max(0, grace.toSeconds())));
        executor.shutdownNow();
        log.info("receiver stopped on port {}", port);
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
