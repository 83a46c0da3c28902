package io.auditbridge.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.MalformedRequests.Kind;
import io.auditbridge.core.testing.MalformedRequests.Target;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;

/**
 * The malformed-request suite every listening port runs: each class of {@link MalformedRequests}, {@code count}
 * times, then a good request that must succeed; at the end the process must still be alive. The report (counts
 * per class and outcome) is printed for the closing note.
 */
public final class HostileSuite {
    /** Requests per class unless a test says otherwise: the issue asks for at least 1,000. */
    public static final int PER_CLASS = 1000;

    private HostileSuite() {}

    /**
     * Runs the suite on a port that reads request bodies (a receiver) and asserts the contract: every stalled
     * body is answered 503 with {@code Retry-After} (timed out, or no permit or memory free), never a close or a
     * reset.
     *
     * @param name        printed with the report
     * @param goodRequest sends one good request and returns its status (must be {@code goodStatus})
     * @param deadline    longer than the port's request timeout plus its header read limit
     */
    public static HostileClient.Report run(String name, ReceiverProcess process, int port, Target target, int count,
                                           IntSupplier goodRequest, int goodStatus, Duration deadline) throws Exception {
        return run(name, process, port, target, count, goodRequest, goodStatus, deadline, true);
    }

    /**
     * As {@link #run}, on a port that refuses every POST from its headers alone (the metrics port's 405): it owes a
     * stalled body no request-timeout 503, and its refusal may reach the client as a reset (the unread body).
     */
    public static HostileClient.Report runOnPortRefusingBodies(String name, ReceiverProcess process, int port, Target target,
                                                               int count, IntSupplier goodRequest, int goodStatus,
                                                               Duration deadline) throws Exception {
        return run(name, process, port, target, count, goodRequest, goodStatus, deadline, false);
    }

    private static HostileClient.Report run(String name, ReceiverProcess process, int port, Target target, int count,
                                            IntSupplier goodRequest, int goodStatus, Duration deadline,
                                            boolean readsBodies) throws Exception {
        HostileClient client = new HostileClient("127.0.0.1", port, deadline);
        List<Kind> kinds = Arrays.asList(Kind.values());
        Map<Kind, Map<String, Integer>> outcomes = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Kind kind : kinds) {
            HostileClient.Report one = client.run(target, List.of(kind), count, 8, 250);
            outcomes.putAll(one.outcomes());
            Map<String, Integer> violations = new TreeMap<>(one.violations(kind));
            if (kind == Kind.SLOW_BODY) {
                Map<String, Integer> o = one.outcomes().get(kind);
                if (readsBodies) {
                    // Issue 12: the documented answer to a body that stops arriving, for every one of them.
                    o.forEach((outcome, n) -> {
                        if (!outcome.startsWith("503")) {
                            violations.put(outcome, n);
                        }
                    });
                } else {
                    violations.keySet().removeIf(outcome -> outcome.equals("closed") || outcome.equals("reset"));
                }
            }
            if (!violations.isEmpty()) {
                failures.add(kind + " " + violations);
            }
            int good = goodRequest.getAsInt();
            if (good != goodStatus) {
                failures.add("good request after " + kind + " answered " + good);
            }
            if (!process.isAlive()) {
                failures.add("process ended after " + kind);
                break;
            }
        }
        HostileClient.Report report = new HostileClient.Report(outcomes);
        System.out.printf("%n=== malformed-request suite: %s (port %d, pid %d, peak RSS %d MiB) ===%n%s", name, port, process.pid(),
                process.peakRss() / (1024 * 1024), report);
        for (Kind kind : kinds) {
            assertThat(report.total(kind)).as("%s requests sent", kind).isEqualTo(count);
        }
        assertThat(failures).as("contract violations on %s; log:%n%s", name, tail(process.log())).isEmpty();
        assertThat(process.isAlive()).as("process alive after the suite").isTrue();
        return report;
    }

    /** A good POST with a plain HTTP client; returns the status. */
    public static int post(String url, Map<String, String> headers, byte[] body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(b::header);
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            System.err.println("POST " + url + " failed: " + e);
            return -1;
        }
    }

    /** GET, returning status and body. */
    public static HttpResponse<String> get(String url) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code auditbridge_*requests_rejected_total} lines of a Prometheus scrape. */
    public static List<String> rejectedMetrics(String scrape) {
        return scrape.lines().filter(l -> l.contains("requests_rejected_total{")).toList();
    }

    public static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
}
