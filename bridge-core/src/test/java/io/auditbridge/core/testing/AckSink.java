package io.auditbridge.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.auditbridge.core.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/** A loopback webhook that acknowledges every EventList and remembers each (auditID, stage) it received. */
public final class AckSink implements AutoCloseable {
    private final HttpServer server;
    private final AtomicLong events = new AtomicLong();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();

    public AckSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", ex -> {
            try (InputStream raw = ex.getRequestBody()) {
                InputStream in = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))
                        ? new GZIPInputStream(raw) : raw;
                JsonNode body = EventJson.MAPPER.readTree(in);
                JsonNode items = body.has("items") ? body.get("items") : body;
                for (JsonNode e : items) {
                    events.incrementAndGet();
                    keys.add(e.path("auditID").asText() + "/" + e.path("stage").asText());
                }
                ex.sendResponseHeaders(200, -1);
            } catch (IOException e) {
                ex.sendResponseHeaders(400, -1);
            } finally {
                ex.close();
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Events received, duplicates included. */
    public long events() {
        return events.get();
    }

    /** Distinct (auditID/stage) keys received. */
    public Set<String> keys() {
        return keys;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
