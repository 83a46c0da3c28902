package io.auditbridge.core.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load client for {@code bench/e2e}: {@code CONCURRENCY} senders POST the bodies of {@code FILE} (one request body
 * per line) to {@code URL}, each body until it is answered 2xx (a 503 is retried after 100 ms, as a collector would),
 * and print the wall time from the first request to the last 2xx. Extra arguments are {@code Header: value} pairs.
 * {@code java -cp … PostLoad URL FILE CONCURRENCY [HEADER: VALUE …]}.
 */
public final class PostLoad {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        List<String> bodies = Files.readAllLines(Path.of(args[1]));
        int concurrency = Integer.parseInt(args[2]);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        AtomicInteger next = new AtomicInteger();
        AtomicLong retries = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < bodies.size()) {
                    HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i)));
                    for (int h = 3; h < args.length; h++) {
                        int colon = args[h].indexOf(':');
                        req.header(args[h].substring(0, colon).trim(), args[h].substring(colon + 1).trim());
                    }
                    HttpRequest request = req.build();
                    for (int attempt = 0; ; attempt++) {
                        try {
                            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (status / 100 == 2) {
                                break;
                            }
                            if (status != 503 && status != 429 || attempt > 600) {
                                failures.incrementAndGet();
                                System.err.println("POST answered " + status);
                                break;
                            }
                        } catch (Exception e) {
                            if (attempt > 600) {
                                failures.incrementAndGet();
                                break;
                            }
                        }
                        retries.incrementAndGet();
                        Thread.sleep(100);
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%.3f %d %d%n", seconds, retries.get(), failures.get());
    }
}
