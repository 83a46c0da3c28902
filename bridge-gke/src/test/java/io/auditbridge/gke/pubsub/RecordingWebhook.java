package io.auditbridge.gke.pubsub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.IntUnaryOperator;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP webhook on loopback that takes {@code EventList} POSTs like Falco's k8saudit endpoint, answers what
 * the test says (by request number), and records per path which auditIDs it answered 2xx for, how often, and
 * when (nanoTime just before the 2xx status line is written).
 */
public final class RecordingWebhook implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, Long> firstOk = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> okCount = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> byPath = new ConcurrentHashMap<>();
    private final AtomicInteger okEvents = new AtomicInteger();
    private volatile IntUnaryOperator status = n -> 200;
    private volatile Duration delay = Duration.ZERO;
    private volatile BiConsumer<List<String>, Integer> beforeAnswer = (ids, code) -> {};
    private final List<Throwable> failures = new ArrayList<>();

    public RecordingWebhook() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The status for request number n (0-based, over all paths). */
    public RecordingWebhook answer(IntUnaryOperator status) {
        this.status = status;
        return this;
    }

    public RecordingWebhook delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Runs inside the handler with the request's auditIDs and the status about to be answered; a throw is kept. */
    public RecordingWebhook beforeAnswer(BiConsumer<List<String>, Integer> check) {
        this.beforeAnswer = check;
        return this;
    }

    private void handle(HttpExchange ex) throws IOException {
        int n = requests.getAndIncrement();
        List<String> ids = new ArrayList<>();
        try (InputStream raw = ex.getRequestBody();
             InputStream in = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding")) ? new GZIPInputStream(raw) : raw) {
            JsonNode list = JSON.readTree(in);
            for (JsonNode e : list.path("items")) {
                ids.add(e.path("auditID").asText());
            }
        }
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int code = status.applyAsInt(n);
        try {
            beforeAnswer.accept(ids, code);
        } catch (Throwable t) {
            synchronized (failures) {
                failures.add(t);
            }
        }
        if (code / 100 == 2) {
            long now = System.nanoTime();
            Set<String> mine = byPath.computeIfAbsent(ex.getRequestURI().getPath(), k -> ConcurrentHashMap.newKeySet());
            for (String id : ids) {
                firstOk.putIfAbsent(id, now);
                okCount.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                mine.add(id);
            }
            okEvents.addAndGet(ids.size());
        }
        byte[] body = (code / 100 == 2 ? "{}" : "{\"error\":\"unavailable\"}").getBytes();
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    /** Waits until {@code n} distinct auditIDs were answered 2xx; false when {@code timeout} passed first. */
    public boolean awaitDistinct(int n, Duration timeout) throws InterruptedException {
        return awaitDistinct(n, timeout, new Process[0]);
    }

    /** As {@link #awaitDistinct(int, Duration)}, giving up early (false) when one of {@code senders} died. */
    public boolean awaitDistinct(int n, Duration timeout, Process... senders) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (firstOk.size() < n) {
            if (System.nanoTime() > until) {
                return false;
            }
            for (Process p : senders) {
                if (!p.isAlive()) {
                    return false;
                }
            }
            Thread.sleep(50);
        }
        return true;
    }

    public int requests() {
        return requests.get();
    }

    public Set<String> delivered() {
        return firstOk.keySet();
    }

    public Set<String> deliveredTo(String path) {
        return byPath.getOrDefault(path, Set.of());
    }

    /** nanoTime of the first 2xx answer covering this auditID, or null. */
    public Long firstOkAt(String auditId) {
        return firstOk.get(auditId);
    }

    /** auditIDs answered 2xx more than once. */
    public Set<String> duplicates() {
        Set<String> d = ConcurrentHashMap.newKeySet();
        okCount.forEach((id, c) -> {
            if (c.get() > 1) {
                d.add(id);
            }
        });
        return d;
    }

    public int okEvents() {
        return okEvents.get();
    }

    public List<Throwable> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
