package io.auditbridge.core.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.auditbridge.core.FatalErrors;
import io.auditbridge.core.http.HttpServerGuards;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operations endpoint: {@code /metrics} (Prometheus text), {@code /healthz} (the process works) and
 * {@code /readyz} (source and sink usable). Separate from any receiver port so probes never need credentials.
 * It reads no request body: anything but GET/HEAD on these three paths is refused (405/404) and counted as
 * {@code auditbridge_ops_requests_rejected_total{reason}}; connections are bounded like a receiver's
 * ({@link HttpServerGuards}).
 */
public final class OpsServer implements AutoCloseable {
    /** Counter of refused requests on the ops port, tagged {@code reason} ({@code not_found}, {@code method}). */
    public static final String REJECTED_METRIC = "auditbridge.ops.requests.rejected";

    private final HttpServer server;
    private final ExecutorService executor;

    private OpsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static OpsServer start(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier alive,
                                  BooleanSupplier ready) throws IOException {
        return start(host, port, registry, alive, () -> ready.getAsBoolean() ? null : "not ready");
    }

    /**
     * As {@link #start(String, int, PrometheusMeterRegistry, BooleanSupplier, BooleanSupplier)}, with
     * {@code /readyz} answering 503 and the reason {@code notReadyReason} gives (null when ready).
     */
    public static OpsServer start(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier alive,
                                  Supplier<String> notReadyReason) throws IOException {
        HttpServerGuards.apply();
        FatalErrors.install();
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 1024);
        Map<String, Counter> rejected = new ConcurrentHashMap<>();
        Rejections rejections = reason -> rejected.computeIfAbsent(reason, r -> Counter.builder(REJECTED_METRIC).tag("reason", r)
                .description("Requests the ops endpoint refused, by reason").register(registry)).increment();
        server.createContext("/metrics", guarded("/metrics", rejections,
                ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape())));
        server.createContext("/healthz", guarded("/healthz", rejections,
                ex -> probe(ex, () -> alive.getAsBoolean() ? null : "not alive")));
        server.createContext("/readyz", guarded("/readyz", rejections, ex -> probe(ex, notReadyReason)));
        server.createContext("/", guarded("/", rejections, ex -> respond(ex, 404, "text/plain; charset=utf-8", "not found\n")));
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.start();
        return new OpsServer(server, executor);
    }

    private interface Rejections {
        void count(String reason);
    }

    /** Exact path and GET/HEAD only; an Error while answering ends the process. */
    private static HttpHandler guarded(String path, Rejections rejections, HttpHandler inner) {
        return ex -> {
            try {
                if (!ex.getRequestURI().getPath().equals(path) || path.equals("/")) {
                    rejections.count("not_found");
                    ex.getResponseHeaders().set("Connection", "close");
                    respond(ex, 404, "text/plain; charset=utf-8", "not found\n");
                    return;
                }
                String method = ex.getRequestMethod();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    rejections.count("method");
                    ex.getResponseHeaders().set("Allow", "GET, HEAD");
                    // The body is never read: close rather than drain it.
                    ex.getResponseHeaders().set("Connection", "close");
                    respond(ex, 405, "text/plain; charset=utf-8", "method not allowed, use GET\n");
                    return;
                }
                inner.handle(ex);
            } catch (Error e) {
                FatalErrors.die("ops endpoint", e);
            } finally {
                ex.close();
            }
        };
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void probe(HttpExchange ex, Supplier<String> problem) throws IOException {
        String why;
        try {
            why = problem.get();
        } catch (RuntimeException e) {
            why = "check failed: " + e.getClass().getSimpleName();
        }
        respond(ex, why == null ? 200 : 503, "text/plain; charset=utf-8", why == null ? "ok\n" : why.replace('\n', ' ') + "\n");
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            OutputStream out = ex.getResponseBody();
            out.write(bytes);
            out.flush();
            // Closing the response stream lets the JDK server forget a connection whose body it could not read.
            out.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
