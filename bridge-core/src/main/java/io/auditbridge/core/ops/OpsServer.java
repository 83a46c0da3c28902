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
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/healthz", ex -> probe(ex, alive));
        server.createContext("/readyz", ex -> probe(ex, ready));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return new OpsServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void probe(HttpExchange ex, BooleanSupplier check) throws IOException {
        boolean ok;
        try {
            ok = check.getAsBoolean();
        } catch (RuntimeException e) {
            ok = false;
        }
        respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ready\n");
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
