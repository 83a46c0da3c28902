package io.auditbridge.gke;

import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.testing.ManualClock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.auditbridge.core.DeliveryFailedException;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.push.PushBudget;
import io.auditbridge.core.push.PushDelivery;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.sink.DeadLetterLog;
import io.auditbridge.core.sink.WebhookSink;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Cloud Function fed CloudEvents shaped as Pub/Sub (Eventarc) delivers a Log Router sink's messages. */
class GkeAuditFunctionTest {
    @TempDir
    Path dir;

    private WireMockServer webhook;
    private Pipeline<byte[]> pipeline;
    private final java.io.ByteArrayOutputStream deadLetterLines = new java.io.ByteArrayOutputStream();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T02:00:00Z"));

    @BeforeEach
    void start() throws Exception {
        webhook = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        webhook.start();
        // As the function builds it from the environment: FAIL_SUBMISSION with a bounded retry duration.
        pipeline = Pipeline.builder("gke", new LogEntryJsonTranslator(new LogEntryTranslator()),
                        WebhookSink.builder("http://127.0.0.1:" + webhook.port() + "/k8s_audit").build())
                .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION)
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(500)).maxDelay(Duration.ofSeconds(5))
                        .maxRetryDuration(Duration.ofSeconds(30)).build())
                .sleeper(d -> {
                    clock.advance(d);
                    return true;
                })
                .clock(clock)
                .deadLetters(new DeadLetterLog(new java.io.PrintStream(deadLetterLines, true), clock))
                .build();
        pipeline.start();
    }

    @AfterEach
    void stop() throws Exception {
        pipeline.close();
        webhook.stop();
    }

    /** The function on the test's pipeline, with the budget ServerlessOptions gives a 60 s function timeout. */
    private GkeAuditFunction function() {
        return new GkeAuditFunction(new PushDelivery<>(pipeline, PushBudget.forDeadline(Duration.ofSeconds(60), Duration.ofSeconds(30)),
                Duration.ZERO));
    }

    /** What Eventarc hands a 2nd-gen function for a Pub/Sub message: a MessagePublishedData JSON body. */
    static CloudEvent pubSubEvent(String messageId, byte[] logEntryJson) {
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        ObjectNode message = body.putObject("message");
        message.putObject("attributes").put("logging.googleapis.com/timestamp", "2026-11-30T01:02:04.000001234Z");
        message.put("data", Base64.getEncoder().encodeToString(logEntryJson));
        message.put("messageId", messageId);
        message.put("message_id", messageId);
        message.put("publishTime", "2026-11-30T01:02:05.123Z");
        message.put("publish_time", "2026-11-30T01:02:05.123Z");
        body.put("subscription", "projects/demo-project/subscriptions/eventarc-europe-west1-gke-audit-sub-123");
        return CloudEventBuilder.v1()
                .withId(messageId)
                .withSource(URI.create("//pubsub.googleapis.com/projects/demo-project/topics/gke-audit"))
                .withType("google.cloud.pubsub.topic.v1.messagePublished")
                .withDataContentType("application/json")
                .withTime(OffsetDateTime.parse("2026-11-30T01:02:05.123Z"))
                .withData(EventJson.write(body))
                .build();
    }

    @Test
    void deliversTheTranslatedEventBeforeTheInvocationReturns() throws Exception {
        webhook.stubFor(post(urlEqualTo("/k8s_audit")).willReturn(aResponse().withStatus(200)));
        GkeAuditFunction function = function();

        function.accept(pubSubEvent("13548799232871234", Fixtures.bytes("logentries/delete-404.json")));

        var requests = webhook.findAll(postRequestedFor(urlEqualTo("/k8s_audit")));
        assertThat(requests).hasSize(1);
        JsonNode body = EventJson.MAPPER.readTree(requests.getFirst().getBodyAsString());
        assertThat(body.get("kind").asText()).isEqualTo("EventList");
        assertThat(body.at("/items/0/auditID").asText()).isEqualTo("8f3c6a1e-5b2d-4c1a-9f00-000000000002");
        assertThat(body.at("/items/0/responseStatus/code").asInt()).isEqualTo(404);
    }

    @Test
    void execFirstAndLastMessagesGiveOneResponseStartedAcrossInvocations() throws Exception {
        webhook.stubFor(post(urlEqualTo("/k8s_audit")).willReturn(aResponse().withStatus(200)));
        GkeAuditFunction function = function();

        function.accept(pubSubEvent("m-1", Fixtures.bytes("logentries/exec-first.json")));
        function.accept(pubSubEvent("m-2", Fixtures.bytes("logentries/exec-last.json")));

        List<String> stages = webhook.findAll(postRequestedFor(urlEqualTo("/k8s_audit"))).stream()
                .flatMap(r -> {
                    try {
                        return java.util.stream.StreamSupport.stream(EventJson.MAPPER.readTree(r.getBodyAsString()).get("items").spliterator(), false);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .map(e -> e.get("stage").asText()).toList();
        assertThat(stages).containsExactly("ResponseStarted", "ResponseComplete");
    }

    @Test
    void failsTheInvocationWhenDeliveryKeepsFailingSoPubSubRedelivers() {
        webhook.stubFor(post(urlEqualTo("/k8s_audit")).willReturn(aResponse().withStatus(503)));
        GkeAuditFunction function = function();

        assertThatThrownBy(() -> function.accept(pubSubEvent("m-3", Fixtures.bytes("logentries/pod-create.json"))))
                .isInstanceOf(DeliveryFailedException.class).hasMessageContaining("503");
        assertThat(webhook.findAll(postRequestedFor(urlEqualTo("/k8s_audit"))).size()).isGreaterThan(1);
    }

    @Test
    void redeliveryAfterAFailureSucceedsOnceTheWebhookIsBack() throws Exception {
        webhook.stubFor(post(urlEqualTo("/k8s_audit")).willReturn(aResponse().withStatus(503)));
        GkeAuditFunction function = function();
        CloudEvent message = pubSubEvent("m-4", Fixtures.bytes("logentries/pod-create.json"));
        assertThatThrownBy(() -> function.accept(message)).isInstanceOf(DeliveryFailedException.class);

        webhook.resetAll();
        webhook.stubFor(post(urlEqualTo("/k8s_audit")).willReturn(aResponse().withStatus(200)));
        function.accept(message); // Pub/Sub's redelivery of the same message

        assertThat(webhook.findAll(postRequestedFor(urlEqualTo("/k8s_audit")))).singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString()).contains("8f3c6a1e-5b2d-4c1a-9f00-000000000001"));
    }

    @Test
    void anEventTheSinkRefusesIsAcknowledgedOnlyAsAStructuredLogLineNeverAsAFileInTmp() throws Exception {
        webhook.stubFor(post(urlEqualTo("/k8s_audit")).willReturn(aResponse().withStatus(422).withBody("invalid object")));
        GkeAuditFunction function = function();

        function.accept(pubSubEvent("13548799232871235", Fixtures.bytes("logentries/delete-404.json")));

        String[] lines = deadLetterLines.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = EventJson.MAPPER.readTree(lines[0]);
        assertThat(line.get("logger").asText()).isEqualTo("auditbridge.deadletter");
        assertThat(line.get("severity").asText()).isEqualTo("WARNING");
        assertThat(line.get("reason").asText()).contains("HTTP 422");
        assertThat(line.at("/event/auditID").asText()).isEqualTo("8f3c6a1e-5b2d-4c1a-9f00-000000000002");
    }

    @Test
    void aMisconfiguredSinkFailsTheInvocationAndLogsNoDeadLetter() {
        webhook.stubFor(post(urlEqualTo("/k8s_audit")).willReturn(aResponse().withStatus(401)));
        GkeAuditFunction function = function();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> function.accept(pubSubEvent("13548799232871236", Fixtures.bytes("logentries/delete-404.json"))))
                .isInstanceOf(io.auditbridge.core.DeliveryFailedException.class).hasMessageContaining("HTTP 401");
        assertThat(deadLetterLines.size()).isZero();
    }

    @Test
    void foreignMessagesAreAcknowledgedWithoutCallingTheWebhook() throws Exception {
        GkeAuditFunction function = function();
        function.accept(pubSubEvent("m-5", Fixtures.bytes("logentries/container-log.json")));
        function.accept(pubSubEvent("m-6", "not json at all".getBytes(StandardCharsets.UTF_8)));
        assertThat(webhook.getAllServeEvents()).isEmpty();
        assertThat(pipeline.metrics().count("auditbridge.events.skipped")).isEqualTo(1);
        assertThat(pipeline.metrics().count("auditbridge.records.errored")).isEqualTo(1);
    }

    @Test
    void withoutASinkInTheEnvironmentTheFunctionRefusesToStartNamingTheVariable() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AUDITBRIDGE_SINK") == null, "AUDITBRIDGE_SINK is set here");
        assertThatThrownBy(GkeAuditFunction::fromEnvironment)
                .isInstanceOf(io.auditbridge.core.cli.ConfigException.class)
                .hasMessageStartingWith("--sink: required");
    }
}
