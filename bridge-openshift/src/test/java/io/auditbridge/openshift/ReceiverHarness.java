package io.auditbridge.openshift;

import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.push.PushBudget;
import io.auditbridge.core.push.PushDelivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.http.HttpReceiverConfig;
import io.auditbridge.core.pipeline.BatchLimits;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.sink.DeadLetterFile;
import io.auditbridge.core.sink.WebhookSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A running receiver in front of a real pipeline whose sink is a WireMock webhook, and an OkHttp client
 * that posts like Vector does.
 */
final class ReceiverHarness implements AutoCloseable {
    static final String TOKEN = "clf-token-7f3a";
    static final String WEBHOOK_PATH = "/k8s-audit";

    /** A fixed port (not dynamicPort) so a test can stop the webhook and start it again at the same URL. */
    final WireMockServer webhook = new WireMockServer(options().port(freePort()).jettyAcceptors(2).containerThreads(24));
    final OkHttpClient client = new OkHttpClient.Builder().retryOnConnectionFailure(false)
            .readTimeout(Duration.ofSeconds(30)).build();
    final Pipeline<ForwardedRecord> pipeline;
    final OpenShiftReceiver receiver;

    ReceiverHarness(Path dir, HttpReceiverConfig.Builder config, String clusterName) throws IOException {
        webhook.start();
        webhookUp();
        WebhookSink sink = WebhookSink.builder(webhook.baseUrl() + WEBHOOK_PATH)
                .requestTimeout(Duration.ofSeconds(10)).connectTimeout(Duration.ofSeconds(2)).build();
        pipeline = Pipeline.builder(OpenShiftTranslator.PROVIDER, new OpenShiftTranslator(), sink)
                .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION)
                .batchLimits(new BatchLimits(500, 10L * 1024 * 1024, Duration.ofMillis(20), 256 * 1024))
                // A short budget so a webhook outage is answered 503 well inside the request timeout.
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100))
                        .maxRetryDuration(Duration.ofMillis(400)).build())
                .deadLetters(new DeadLetterFile(dir.resolve("dead-letter.ndjson"), Clock.systemUTC()))
                .build();
        pipeline.start();
        receiver = OpenShiftReceiver.start(config.host("127.0.0.1").port(0).path(OpenShiftReceiver.DEFAULT_PATH).build(),
                new PushDelivery<>(pipeline, PushBudget.forDeadline(Duration.ofSeconds(30), Duration.ofMillis(400)), Duration.ofSeconds(5)),
                clusterName, OpenShiftReceiver.DEFAULT_CLUSTER_NAME_HEADER);
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpReceiverConfig.Builder withToken(Path dir) throws IOException {
        return HttpReceiverConfig.builder().bearerTokenFile(java.nio.file.Files.writeString(dir.resolve("token"), TOKEN + "\n"));
    }

    void webhookUp() {
        webhook.resetAll();
        webhook.stubFor(WireMock.post(urlEqualTo(WEBHOOK_PATH)).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    void webhookDown() {
        webhook.stubFor(WireMock.post(urlEqualTo(WEBHOOK_PATH)).willReturn(aResponse().withStatus(503).withBody("falco restarting")));
    }

    String url() {
        return "http://127.0.0.1:" + receiver.port() + OpenShiftReceiver.DEFAULT_PATH;
    }

    /** POSTs like Vector: the token, the media type, optional extra headers (name, value, ...). */
    Response post(byte[] body, String contentType, String... headers) throws IOException {
        Request.Builder req = new Request.Builder().url(url()).post(RequestBody.create(body, MediaType.get(contentType)))
                .header("Authorization", "Bearer " + TOKEN).header("User-Agent", "Vector/0.47.0-rh");
        for (int i = 0; i < headers.length; i += 2) {
            req.header(headers[i], headers[i + 1]);
        }
        return client.newCall(req.build()).execute();
    }

    /** Every Event the webhook answered 200 for, in arrival order. */
    List<JsonNode> delivered() {
        List<ServeEvent> served = new ArrayList<>(webhook.getAllServeEvents());
        served.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
        List<JsonNode> events = new ArrayList<>();
        for (ServeEvent e : served) {
            if (e.getResponse().getStatus() != 200) {
                continue;
            }
            try {
                JsonNode list = EventJson.MAPPER.readTree(e.getRequest().getBody());
                list.path("items").forEach(events::add);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return events;
    }

    /** How many requests reached the webhook at all (any answer). */
    int webhookRequests() {
        return webhook.getAllServeEvents().size();
    }

    @Override
    public void close() throws Exception {
        receiver.close();
        pipeline.close();
        webhook.stop();
    }
}
