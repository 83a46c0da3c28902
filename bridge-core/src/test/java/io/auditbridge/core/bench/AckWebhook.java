package io.auditbridge.core.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ack-only webhook for {@code bench/e2e}: answers 200 to every POST after reading its body, and counts requests,
 * bytes and events (occurrences of {@code "auditID"} in the body, which every audit Event carries once). Prints the
 * counts on stdout when it receives {@code GET /count}. {@code java -cp … AckWebhook PORT}.
 */
public final class AckWebhook {
    private static final byte[] NEEDLE = "\"auditID\"".getBytes();

    public static void main(String[] args) throws Exception {
        AtomicLong requests = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong events = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 512);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            if ("GET".equals(exchange.getRequestMethod())) {
                byte[] body = (requests.get() + " " + bytes.get() + " " + events.get() + "\n").getBytes();
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
                return;
            }
            long n = 0;
            int matched = 0;
            long count = 0;
            byte[] buf = new byte[1 << 16];
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new java.util.zip.GZIPInputStream(body, 1 << 16);
            }
            try (InputStream in = body) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    n += r;
                    for (int i = 0; i < r; i++) {
                        matched = buf[i] == NEEDLE[matched] ? matched + 1 : (buf[i] == NEEDLE[0] ? 1 : 0);
                        if (matched == NEEDLE.length) {
                            count++;
                            matched = 0;
                        }
                    }
                }
            }
            requests.incrementAndGet();
            bytes.addAndGet(n);
            events.addAndGet(count);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        System.out.println("listening " + server.getAddress().getPort());
    }
}
