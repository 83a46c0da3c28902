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
 *   <li>declared {@code Content-Length} over the wire limit (413) and {@code Content-Encoding} (415), still unread;</li>
 *   <li>a concurrency permit (503 with {@code Retry-After} when all are taken);</li>
 *   <li>on a worker thread, within the request timeout: read the body within the wire limit, undo gzip/deflate
 *       within the decoded limit (413), call the handler ({@link BadRequestException} → 400, anything else → 500
 *       without its message); past the timeout the worker is interrupted and the answer is 503.</li>
 * </ol>
 *
 * Every response is logged at debug, every failure at warn; credentials and bodies are never logged.
 */
public final class HttpReceiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpReceiver.class);

    private final HttpReceiverConfig config;
    private final RequestHandler handler;
    private final ResponseObserver observer;
    private final RequestAuthenticator auth;
    private final BodyDecoder decoder;
    private final Semaphore permits;
    private final Set<String> paths;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private HttpReceiver(HttpReceiverConfig config, RequestHandler handler, ResponseObserver observer) throws IOException {
        this.config = config;
        this.handler = handler;
        this.observer = observer;
        this.auth = RequestAuthenticator.from(config);
        this.decoder = new BodyDecoder(config.maxBodyBytes(), config.maxDecodedBytes());
        this.permits = new Semaphore(config.maxConcurrent());
        this.paths = Set.copyOf(config.paths());
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        if (config.tls() != null) {
            SSLContext ssl = ServerTls.context(config.tls());
            boolean needClientCert = config.tls().requiresClientCertificate();
            HttpsServer https = HttpsServer.create(address, 0);
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
            this.server = HttpServer.create(address, 0);
        }
        for (String path : config.paths()) {
            server.createContext(path, this::exchange);
        }
        server.setExecutor(executor);
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

    private void exchange(HttpExchange ex) {
        long t0 = System.nanoTime();
        HandlerResponse response;
        String failure = null;
        try {
            Outcome outcome = process(ex);
            response = outcome.response;
            failure = outcome.failure;
        } catch (RuntimeException e) {
            response = HandlerResponse.text(500, "internal error");
            failure = "receiver error " + e.getClass().getName();
        }
        int status = response.status();
        long nanos = System.nanoTime() - t0;
        long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
        // Unknown paths are client-chosen text: keep them out of logs and metric tags.
        String path = paths.contains(ex.getRequestURI().getPath()) ? ex.getRequestURI().getPath() : "other";
        // Observed before the answer leaves, so whoever reads the answer also sees it counted.
        try {
            observer.responded(path, status, Duration.ofNanos(nanos));
        } catch (RuntimeException e) {
            log.warn("response observer failed: {}", e.getClass().getName());
        }
        try {
            send(ex, response);
        } catch (IOException e) {
            failure = (failure == null ? "" : failure + "; ") + "response not sent: " + e.getClass().getSimpleName();
        } finally {
            ex.close();
        }
        if (failure != null) {
            log.warn("{} {} -> {} in {} ms from {}: {}", ex.getRequestMethod(), path, status, ms, ex.getRemoteAddress(), failure);
        } else if (log.isDebugEnabled()) {
            log.debug("{} {} -> {} in {} ms from {}", ex.getRequestMethod(), path, status, ms, ex.getRemoteAddress());
        }
    }

    /** The answer and, when it is a failure, the one-line reason to log. */
    private record Outcome(HandlerResponse response, String failure) {
        static Outcome ok(HandlerResponse r) {
            return new Outcome(r, r.status() >= 400 ? "handler answered " + r.status() : null);
        }

        static Outcome fail(int status, String reason) {
            return new Outcome(HandlerResponse.text(status, reason), reason);
        }

        /**
         * The request body was not (fully) read: the connection must not carry another request, and the client
         * must be told so, or it would send its next request into the unread rest.
         */
        Outcome closing() {
            return new Outcome(response.withHeader("Connection", "close"), failure);
        }
    }

    private Outcome process(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        if (!paths.contains(path)) {
            return Outcome.fail(404, "not found").closing();
        }
        if (!ex.getRequestMethod().equals("POST")) {
            Outcome o = Outcome.fail(405, "method not allowed, use POST");
            return new Outcome(o.response.withHeader("Allow", "POST"), o.failure).closing();
        }
        if (!auth.accepts(ex.getRequestHeaders().getFirst("Authorization"))) {
            Outcome o = Outcome.fail(401, "unauthorized");
            return new Outcome(o.response.withHeader("WWW-Authenticate", auth.challenge()), o.failure).closing();
        }
        HandlerResponse early = handler.answerBeforeBody(ex.getRequestHeaders()::getFirst);
        if (early != null) {
            return Outcome.ok(early).closing();
        }
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        try {
            decoder.checkDeclaredLength(ex.getRequestHeaders().getFirst("Content-Length"));
            decoder.checkEncoding(encoding);
        } catch (BodyDecoder.TooLargeException e) {
            drainOversized(ex);
            return Outcome.fail(413, e.getMessage()).closing();
        } catch (BodyDecoder.UnsupportedEncodingException e) {
            return Outcome.fail(415, e.getMessage()).closing();
        } catch (BadRequestException e) {
            return Outcome.fail(400, e.getMessage()).closing();
        }
        if (!permits.tryAcquire()) {
            return busy("too many concurrent requests (" + config.maxConcurrent() + ")").closing();
        }
        CompletableFuture<HandlerResponse> result = new CompletableFuture<>();
        // Started as a plain virtual thread so its finally always runs and always returns the permit.
        Thread worker = Thread.ofVirtual().name("auditbridge-request").start(() -> {
            try {
                result.complete(readAndHandle(ex, path, encoding));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                permits.release();
            }
        });
        try {
            return Outcome.ok(result.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            worker.interrupt();
            return busy("request timed out after " + config.requestTimeout().toMillis() + " ms").closing();
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            return busy("receiver shutting down").closing();
        } catch (ExecutionException e) {
            Outcome o = failed(e.getCause());
            return e.getCause() instanceof BodyDecoder.TooLargeException || e.getCause() instanceof IOException ? o.closing() : o;
        }
    }

    private HandlerResponse readAndHandle(HttpExchange ex, String path, String encoding) throws Exception {
        byte[] wire;
        try (InputStream in = ex.getRequestBody()) {
            try {
                wire = decoder.readWire(in);
            } catch (BodyDecoder.TooLargeException e) {
                drainOversized(ex);
                throw e;
            }
        }
        byte[] body = decoder.decode(wire, encoding);
        ReceivedRequest request = new ReceivedRequest(path, ex.getRequestURI().getRawQuery(), ex.getRequestHeaders(),
                body, String.valueOf(ex.getRemoteAddress()));
        return Objects.requireNonNull(handler.handle(request), "handler returned null");
    }

    private Outcome failed(Throwable cause) {
        return switch (cause) {
            case BadRequestException e -> Outcome.fail(400, e.getMessage());
            case BodyDecoder.TooLargeException e -> Outcome.fail(413, e.getMessage());
            case BodyDecoder.UnsupportedEncodingException e -> Outcome.fail(415, e.getMessage());
            case IOException e -> Outcome.fail(400, "request body could not be read: " + e.getClass().getSimpleName());
            case InterruptedException e -> busy("handler interrupted");
            // The message may quote the body or name internals: the client gets a fixed text, the log the type.
            default -> new Outcome(HandlerResponse.text(500, "internal error"), "handler failed: " + cause.getClass().getName());
        };
    }

    /**
     * Reads and discards up to another wire limit of an oversized body, so a client that writes the whole body
     * before reading (most do) sees the 413 instead of a broken pipe it would retry. Beyond that the
     * connection is simply closed.
     */
    private void drainOversized(HttpExchange ex) {
        byte[] sink = new byte[64 * 1024];
        long left = config.maxBodyBytes();
        try {
            InputStream in = ex.getRequestBody();
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) != -1) {
                left -= n;
            }
        } catch (IOException e) {
            // the client went away; the 413 is still attempted
        }
    }

    private Outcome busy(String reason) {
        long seconds = Math.max(1, (config.retryAfter().toMillis() + 999) / 1000);
        return new Outcome(HandlerResponse.text(503, reason).withHeader("Retry-After", Long.toString(seconds)), reason);
    }

    private static void send(HttpExchange ex, HandlerResponse response) throws IOException {
        var headers = ex.getResponseHeaders();
        headers.set("Content-Type", response.contentType());
        for (Map.Entry<String, String> h : response.headers().entrySet()) {
            headers.set(h.getKey(), h.getValue());
        }
        byte[] body = response.body();
        ex.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops accepting, gives running requests up to {@code grace} to finish, then closes. */
    public void stop(Duration grace) {
        int port = port();
        server.stop((int) Math.min(Integer.MAX_VALUE, Math.max(0, grace.toSeconds())));
        executor.shutdownNow();
        log.info("receiver stopped on port {}", port);
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
