package io.auditbridge.eks;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.auditbridge.eks.AuditFixtures.AUDIT_STREAM;
import static io.auditbridge.eks.AuditFixtures.auditLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Lambda handler with subscription events built as CloudWatch Logs sends them, delivering to WireMock. */
class EksLambdaHandlerTest {
    private final WireMockServer webhook = new WireMockServer(options().dynamicPort());
    private final TestLambdaContext context = new TestLambdaContext("c0ffee00-0000-4000-8000-000000000001", 60_000);
    private EksLambdaHandler handler;

    @BeforeEach
    void start() {
        webhook.start();
        handler = new EksLambdaHandler("--sink", WebhookFake.url(webhook), "--cluster", "prod-eks-01",
                "--retry-initial-backoff", "5ms", "--retry-max-backoff", "20ms", "--max-retry-duration", "3s",
                "--dead-letter-file", "/nonexistent/never-written.ndjson");
    }

    @AfterEach
    void stop() throws Exception {
        handler.close();
        webhook.stop();
    }

    /** What the Lambda runtime deserializes {@code {"awslogs":{"data":"<base64 gzip>"}}} into. */
    private static CloudWatchLogsEvent subscriptionEvent(String payload) {
        return new CloudWatchLogsEvent().withAwsLogs(new CloudWatchLogsEvent.AWSLogs().withData(AuditFixtures.base64Gzip(payload)));
    }

    @Test
    void deliversTheAuditEventsOfADataMessageBeforeReturning() {
        WebhookFake.answer(webhook, 200);
        String payload = AuditFixtures.dataMessage(AUDIT_STREAM, new String[] {"3796000400000000001", auditLine("l-1")},
                new String[] {"3796000400000000002", auditLine("l-2")},
                new String[] {"3796000400000000003", auditLine("l-3").substring(0, 150) + "[Truncated...]"});

        String result = handler.handleRequest(subscriptionEvent(payload), context);

        assertThat(result).isEqualTo("records=3 events=2 skipped=0 errors=1 deduplicated=0");
        assertThat(WebhookFake.acknowledgedAuditIds(webhook)).containsExactly("l-1", "l-2");
        assertThat(WebhookFake.acknowledgedEvents(webhook)).allSatisfy(e -> {
            assertThat(e.path("annotations").path("cluster_name").asText()).isEqualTo("prod-eks-01");
            assertThat(e.path("annotations").path("auditbridge.io/source").asText()).isEqualTo("eks");
        });
        assertThat(handler.metrics().count("auditbridge.records.errored", "code", "truncated")).isEqualTo(1);
    }

    @Test
    void aControlMessageAndAForeignStreamSucceedWithoutDelivering() {
        WebhookFake.answer(webhook, 200);

        assertThat(handler.handleRequest(subscriptionEvent(AuditFixtures.controlMessage()), context))
                .isEqualTo("records=1 events=0 skipped=1 errors=0 deduplicated=0");
        String authenticator = AuditFixtures.dataMessage("authenticator-e503271cd443efdbd2050ae8ca0794eb",
                new String[] {"3796000400000000009", "time=\"2026-11-30T01:00:01Z\" level=info msg=\"access granted\""});
        assertThat(handler.handleRequest(subscriptionEvent(authenticator), context))
                .isEqualTo("records=1 events=0 skipped=1 errors=0 deduplicated=0");

        assertThat(webhook.getAllServeEvents()).isEmpty();
        assertThat(handler.metrics().count("auditbridge.events.skipped", "reason", "control_message")).isEqualTo(1);
        assertThat(handler.metrics().count("auditbridge.events.skipped", "reason", "foreign_stream")).isEqualTo(1);
    }

    @Test
    void aSinkFailureFailsTheInvocationAndLambdasRetryThenDelivers() {
        WebhookFake.answer(webhook, 503);
        CloudWatchLogsEvent event = subscriptionEvent(AuditFixtures.dataMessage(AUDIT_STREAM,
                new String[] {"3796000400000000001", auditLine("r-1")}));

        assertThatThrownBy(() -> handler.handleRequest(event, context))
                .isInstanceOf(EksLambdaHandler.SubscriptionDeliveryException.class)
                .hasMessageContaining(context.requestId()).hasMessageContaining("HTTP 503");
        assertThat(WebhookFake.acknowledgedAuditIds(webhook)).isEmpty();

        // Lambda invokes again with the same event once the webhook is back: it goes through this time.
        webhook.resetAll();
        WebhookFake.answer(webhook, 200);
        assertThat(handler.handleRequest(event, context)).startsWith("records=1 events=1 ");
        assertThat(WebhookFake.acknowledgedAuditIds(webhook)).containsExactly("r-1");
    }

    @Test
    void anUndecodablePayloadFailsTheInvocation() {
        CloudWatchLogsEvent notGzip = new CloudWatchLogsEvent().withAwsLogs(new CloudWatchLogsEvent.AWSLogs().withData("bm90IGd6aXA="));
        assertThatThrownBy(() -> handler.handleRequest(notGzip, context)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not gzip");
        assertThatThrownBy(() -> handler.handleRequest(new CloudWatchLogsEvent(), context))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no data");
    }
}
