package io.auditbridge.core.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operations endpoint: {@code /metrics} (Prometheus text), {@code /healthz} (the process works) and
 * {@code /readyz} (source and sink usable). Separate from any receiver port so probes never need credentials.
 */
public final class OpsServer implements AutoCloseable {
    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
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
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/healthz", ex -> probe(ex, () -> alive.getAsBoolean() ? null : "not alive"));
        server.createContext("/readyz", ex -> probe(ex, notReadyReason));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return new OpsServer(server);
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
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
