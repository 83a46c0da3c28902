package io.auditbridge.eks;

import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.push.PushBudget;
import io.auditbridge.core.push.PushDelivery;
import io.auditbridge.core.sink.DeadLetterLog;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.auditbridge.eks.AuditFixtures.AUDIT_STREAM;
import static io.auditbridge.eks.AuditFixtures.auditLine;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.http.HttpReceiver;
import io.auditbridge.core.http.HttpReceiverConfig;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.sink.WebhookSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Firehose HTTP endpoint receiver on the shared bridge-core HTTP receiver, driven with requests built as
 * Firehose sends them, delivering to a WireMock webhook.
 */
class FirehoseReceiverTest {
    static final String KEY = "fh-4f1c9a2e7d";
    static final String REQUEST_ID = "ed4acda5-034f-9f42-bba1-f29aea6d7d8f";
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1796000410000L), ZoneOffset.UTC);

    private final WireMockServer webhook = new WireMockServer(options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private Pipeline<CloudWatchLogEvent> pipeline;
    private HttpReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        webhook.start();
        pipeline = Pipeline.builder("eks", new EksAuditTranslator("prod-eks-01"),
                        WebhookSink.builder(WebhookFake.url(webhook)).build())
                .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION)
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(20))
                        .maxRetryDuration(Duration.ofSeconds(3)).build())
                .deadLetters(new DeadLetterLog(System.err, CLOCK))
                .build();
        pipeline.start();
        receiver = HttpReceiver.start(HttpReceiverConfig.builder().host("127.0.0.1").port(0).path("/firehose").build(),
                new FirehoseRequestHandler(() -> KEY, new PushDelivery<>(pipeline, PushBudget.forDeadline(Duration.ofSeconds(22), Duration.ofSeconds(3)), Duration.ofSeconds(5)), CLOCK));
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close();
        pipeline.close();
        webhook.stop();
    }

    /** The body Firehose POSTs: each record's data is the base64 of one gzip subscription payload. */
    private static String firehoseBody(String... payloads) {
        StringBuilder records = new StringBuilder();
        for (String p : payloads) {
            records.append(records.isEmpty() ? "" : ",").append("{\"data\":\"").append(AuditFixtures.base64Gzip(p)).append("\"}");
        }
        return "{\"requestId\":\"" + REQUEST_ID + "\",\"timestamp\":1796000405000,\"records\":[" + records + "]}";
    }

    private HttpResponse<String> send(String accessKey, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/firehose"))
                .header("Content-Type", "application/json")
                .header("X-Amz-Firehose-Protocol-Version", "1.0")
                .header("X-Amz-Firehose-Request-Id", REQUEST_ID)
                .header("X-Amz-Firehose-Source-Arn", "arn:aws:firehose:us-west-2:111122223333:deliverystream/eks-audit")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (accessKey != null) {
            b.header("X-Amz-Firehose-Access-Key", accessKey);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String payload(String... auditIds) {
        String[][] events = new String[auditIds.length][];
        for (int i = 0; i < auditIds.length; i++) {
            events[i] = new String[] {"37960004000000000" + i, auditLine(auditIds[i])};
        }
        return AuditFixtures.dataMessage(AUDIT_STREAM, events);
    }

    @Test
    void aWrongOrMissingAccessKeyIsRefusedAndNothingIsDelivered() throws Exception {
        WebhookFake.answer(webhook, 200);

        HttpResponse<String> wrong = send("fh-4f1c9a2e7e", firehoseBody(payload("k-1")));
        HttpResponse<String> missing = send(null, firehoseBody(payload("k-1")));

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(missing.statusCode()).isEqualTo(401);
        JsonNode answer = EventJson.MAPPER.readTree(wrong.body());
        assertThat(answer.get("requestId").asText()).isEqualTo(REQUEST_ID);
        assertThat(answer.get("errorMessage").asText()).doesNotContain(KEY);
        assertThat(webhook.getAllServeEvents()).isEmpty();
    }

    @Test
    void acknowledgesWithTheRequestIdOnlyAfterTheWebhookAcknowledged() throws Exception {
        // The webhook needs two attempts; the acknowledgement waits for the successful one.
        webhook.stubFor(post(urlEqualTo(WebhookFake.PATH)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("up").willReturn(aResponse().withStatus(503)));
        webhook.stubFor(post(urlEqualTo(WebhookFake.PATH)).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));

        HttpResponse<String> response = send(KEY, firehoseBody(payload("f-1", "f-2"), AuditFixtures.controlMessage(), payload("f-3")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode ack = EventJson.MAPPER.readTree(response.body());
        assertThat(ack.get("requestId").asText()).isEqualTo(REQUEST_ID);
        assertThat(ack.get("timestamp").asLong()).isEqualTo(1796000410000L);
        assertThat(ack.has("errorMessage")).isFalse();
        assertThat(webhook.getAllServeEvents()).hasSize(2);
        assertThat(WebhookFake.acknowledgedAuditIds(webhook)).containsExactly("f-1", "f-2", "f-3");
        assertThat(WebhookFake.acknowledgedEvents(webhook).getFirst().path("annotations").path("cluster_name").asText())
                .isEqualTo("prod-eks-01");
    }

    /** A misconfigured webhook (401, 404, a redirect) is an outage: Firehose gets 503 and retries; nothing is dead-lettered. */
    @Test
    void aMisconfiguredWebhookIs503NeverADeadLetterThenTheRetryIs200() throws Exception {
        String body = firehoseBody(payload("m-1"));
        for (int status : new int[] {401, 404, 307}) {
            webhook.resetAll();
            WebhookFake.answer(webhook, status);
            HttpResponse<String> r = send(KEY, body);
            assertThat(r.statusCode()).as("answer while the webhook says %d", status).isEqualTo(503);
            assertThat(pipeline.notReadyReason()).contains("sink misconfigured").contains("HTTP " + status);
        }
        assertThat(pipeline.metrics().count("auditbridge.events.dead_lettered")).isZero();
        webhook.resetAll();
        WebhookFake.answer(webhook, 200);
        assertThat(send(KEY, body).statusCode()).isEqualTo(200);
        assertThat(WebhookFake.acknowledgedAuditIds(webhook)).containsExactly("m-1");
        assertThat(pipeline.metrics().count("auditbridge.events.dead_lettered")).isZero();
    }

    @Test
    void answersAnErrorWhileTheWebhookIsDownSoFirehoseRetries() throws Exception {
        WebhookFake.answer(webhook, 503);
        String body = firehoseBody(payload("d-1"));

        HttpResponse<String> duringOutage = send(KEY, body);

        assertThat(duringOutage.statusCode()).isEqualTo(503);
        JsonNode error = EventJson.MAPPER.readTree(duringOutage.body());
        assertThat(error.get("requestId").asText()).isEqualTo(REQUEST_ID);
        assertThat(error.get("errorMessage").asText()).contains("delivery failed");
        assertThat(WebhookFake.acknowledgedAuditIds(webhook)).isEmpty();

        // Firehose retries the same request once the webhook is back.
        webhook.resetAll();
        WebhookFake.answer(webhook, 200);
        assertThat(send(KEY, body).statusCode()).isEqualTo(200);
        assertThat(WebhookFake.acknowledgedAuditIds(webhook)).containsExactly("d-1");
    }

    @Test
    void gzipContentEncodingIsUndoneAndUndecodableRecordsAreRefused() throws Exception {
        WebhookFake.answer(webhook, 200);
        HttpRequest gzipped = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/firehose"))
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .header("X-Amz-Firehose-Access-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(AuditFixtures.gzip(firehoseBody(payload("g-1"))))).build();
        assertThat(http.send(gzipped, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(WebhookFake.acknowledgedAuditIds(webhook)).containsExactly("g-1");

        HttpResponse<String> notGzip = send(KEY, "{\"requestId\":\"" + REQUEST_ID + "\",\"timestamp\":1,\"records\":[{\"data\":\"aGVsbG8=\"}]}");
        assertThat(notGzip.statusCode()).isEqualTo(400);
        assertThat(EventJson.MAPPER.readTree(notGzip.body()).get("errorMessage").asText()).contains("not gzip");
        assertThat(send(KEY, "[]").statusCode()).isEqualTo(400);
    }
}
