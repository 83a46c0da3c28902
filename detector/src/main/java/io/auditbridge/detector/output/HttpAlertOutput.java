package io.auditbridge.detector.output;

import io.auditbridge.detector.engine.Alert;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * POSTs each alert as Falco's JSON output ({@code Content-Type: application/json}), the body Falcosidekick's
 * {@code /} endpoint and Falco's own {@code http_output} use. A non-2xx answer or an IO error fails the call.
 */
public final class HttpAlertOutput implements AlertOutput {
    private final URI uri;
    private final Duration timeout;
    private final HttpClient client;

    public HttpAlertOutput(URI uri, Duration timeout) {
        this.uri = uri;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void publish(List<Alert> alerts) throws IOException, InterruptedException {
        for (Alert a : alerts) {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(a.toJsonLine()))
                    .build();
            HttpResponse<Void> res = client.send(req, HttpResponse.BodyHandlers.discarding());
            if (res.statusCode() / 100 != 2) {
                throw new IOException("alert receiver answered " + res.statusCode());
            }
        }
    }

    @Override
    public String describe() {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getPath();
    }

    @Override
    public void close() {
        client.close();
    }
}
