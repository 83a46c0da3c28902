package io.auditbridge.core.testing;

import io.auditbridge.core.testing.MalformedRequests.Kind;
import io.auditbridge.core.testing.MalformedRequests.Request;
import io.auditbridge.core.testing.MalformedRequests.Target;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends {@link MalformedRequests} over raw loopback sockets and records what came back for each: the status
 * ({@code 413}), {@code 503-timeout}, {@code 503-busy} (both with {@code Retry-After}), {@code closed} (the server
 * closed without an answer), {@code reset}, or {@code hang} (nothing within the deadline: always a failure).
 */
public final class HostileClient {
    private final String host;
    private final int port;
    private final Duration deadline;

    /**
     * @param deadline how long one request may take before it counts as a hang (longer than the server's
     *                 request timeout and header read limit)
     */
    public HostileClient(String host, int port, Duration deadline) {
        this.host = host;
        this.port = port;
        this.deadline = deadline;
    }

    /** Outcome → count, per class. */
    public record Report(Map<Kind, Map<String, Integer>> outcomes) {
        public int total(Kind kind) {
            return outcomes.getOrDefault(kind, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
        }

        /** The outcomes of {@code kind} that break the contract (see {@link #acceptable}). */
        public Map<String, Integer> violations(Kind kind) {
            Map<String, Integer> bad = new TreeMap<>();
            outcomes.getOrDefault(kind, Map.of()).forEach((o, n) -> {
                if (!acceptable(kind, o)) {
                    bad.put(o, n);
                }
            });
            return bad;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            outcomes.forEach((k, m) -> sb.append(String.format("%-28s %5d  %s%n", k, total(k), new TreeMap<>(m))));
            return sb.toString();
        }
    }

    /**
     * A 4xx; a 503 with {@code Retry-After} (the documented answer to a timed-out body, too many requests at once,
     * or request memory taken by others); for headers that never end, the server closing the connection.
     * A stalled body is never answered by a close or a reset (see {@link HostileSuite} for a port that refuses
     * every POST before reading a body).
     */
    public static boolean acceptable(Kind kind, String outcome) {
        if (outcome.startsWith("4")) {
            return true;
        }
        if (outcome.startsWith("503") && !outcome.equals(NO_RETRY_AFTER)) {
            return true;
        }
        return kind == Kind.UNFINISHED_HEADERS && (outcome.equals("closed") || outcome.equals("reset"));
    }

    /** A 503 without the {@code Retry-After} header a client needs to retry: never acceptable. */
    public static final String NO_RETRY_AFTER = "503-without-retry-after";

    /** Sends {@code count} requests of each kind, {@code parallel} at a time ({@code stallParallel} for stalling kinds). */
    public Report run(Target target, List<Kind> kinds, int count, int parallel, int stallParallel) throws Exception {
        Map<Kind, Map<String, Integer>> all = new EnumMap<>(Kind.class);
        for (Kind kind : kinds) {
            all.put(kind, runKind(target, kind, count, kind == Kind.SLOW_BODY || kind == Kind.UNFINISHED_HEADERS ? stallParallel : parallel));
        }
        return new Report(all);
    }

    private Map<String, Integer> runKind(Target target, Kind kind, int count, int parallel) throws Exception {
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        Semaphore slots = new Semaphore(parallel);
        List<Future<?>> futures = new ArrayList<>(count);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                Request request = MalformedRequests.generate(kind, target, i);
                slots.acquire();
                futures.add(pool.submit(() -> {
                    try {
                        outcomes.merge(send(request), 1, Integer::sum);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(deadline.toMillis() * 2 + 60_000, TimeUnit.MILLISECONDS);
            }
        }
        return new TreeMap<>(outcomes);
    }

    /** Sends one request and classifies the answer. */
    public String send(Request request) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 10_000);
            s.setSoTimeout((int) deadline.toMillis());
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.bytes());
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before reading everything: read what it said.
            }
            return classify(s.getInputStream());
        } catch (SocketTimeoutException e) {
            return "hang";
        } catch (IOException e) {
            return "reset";
        }
    }

    private static String classify(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        try {
            while (head.size() < 16 * 1024 && (n = in.read(buf)) != -1) {
                head.write(buf, 0, n);
                String text = head.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0 && text.length() > end + 4) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            if (head.size() == 0) {
                return "hang";
            }
        } catch (IOException e) {
            if (head.size() == 0) {
                return "reset";
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (text.isEmpty()) {
            return "closed";
        }
        if (!text.startsWith("HTTP/1.")) {
            return "garbage";
        }
        String code = text.length() >= 12 ? text.substring(9, 12) : "???";
        if (code.equals("503")) {
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            if (!lower.contains("\r\nretry-after:")) {
                return NO_RETRY_AFTER;
            }
            return lower.contains("timed out") ? "503-timeout" : lower.contains("busy") || lower.contains("concurrent") ? "503-busy" : "503";
        }
        return code;
    }
}
