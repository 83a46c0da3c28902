package io.auditbridge.eks;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.auditbridge.eks.AuditFixtures.AUDIT_STREAM;
import static io.auditbridge.eks.AuditFixtures.auditLine;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.auditbridge.core.Event;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.http.HttpReceiver;
import io.auditbridge.core.http.HttpReceiverConfig;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.push.PushBudget;
import io.auditbridge.core.push.PushDelivery;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.sink.DeadLetterLog;
import io.auditbridge.core.sink.WebhookSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A subscription payload names its log group; EKS writes cluster C's logs to {@code /aws/eks/C/cluster}. So a
 * Lambda or Firehose stream fed by several clusters' subscription filters labels each event with its own cluster,
 * and {@code --cluster} only fills in for groups of another shape. Payloads are written from the documented
 * subscription format (messageType, owner, logGroup, logStream, subscriptionFilters, logEvents).
 */
class EksClusterIdentityTest {
    private final WireMockServer webhook = new WireMockServer(options().dynamicPort());

    @BeforeEach
    void start() {
        webhook.start();
        WebhookFake.answer(webhook, 200);
    }

    @AfterEach
    void stop() {
        webhook.stop();
    }

    private static String payloadFrom(String group, String... auditIds) {
        String[][] events = new String[auditIds.length][];
        for (int i = 0; i < auditIds.length; i++) {
            events[i] = new String[] {"379600040000000000" + auditIds[i].hashCode(), auditLine(auditIds[i])};
        }
        return AuditFixtures.dataMessageFrom(group, AUDIT_STREAM, events);
    }

    private Map<String, String> clusterByAuditId() {
        Map<String, String> out = new HashMap<>();
        for (JsonNode e : WebhookFake.acknowledgedEvents(webhook)) {
            JsonNode name = e.path("annotations").get("cluster_name");
            out.put(e.get("auditID").asText(), name == null ? null : name.asText());
        }
        return out;
    }

    @Test
    void oneLambdaFedBySeveralClustersLabelsEachWithItsOwn() throws Exception {
        EksLambdaHandler handler = new EksLambdaHandler("--sink", WebhookFake.url(webhook), "--cluster", "fallback-name",
                "--max-retry-duration", "3s");
        try {
            for (String payload : List.of(payloadFrom("/aws/eks/prod-eu-1/cluster", "p-1", "p-2"),
                    payloadFrom("/aws/eks/staging_b/cluster", "s-1"),
                    payloadFrom("/company/audit/kube", "o-1"))) {
                handler.handleRequest(new CloudWatchLogsEvent().withAwsLogs(
                        new CloudWatchLogsEvent.AWSLogs().withData(AuditFixtures.base64Gzip(payload))), null);
            }
        } finally {
            handler.close();
        }
        assertThat(clusterByAuditId()).containsExactlyInAnyOrderEntriesOf(Map.of("p-1", "prod-eu-1", "p-2", "prod-eu-1",
                "s-1", "staging_b", "o-1", "fallback-name"));
    }

    @Test
    void withoutClusterOnlyGroupsOfOtherShapesGoUnlabelled() throws Exception {
        EksLambdaHandler handler = new EksLambdaHandler("--sink", WebhookFake.url(webhook), "--max-retry-duration", "3s");
        try {
            for (String payload : List.of(payloadFrom("/aws/eks/prod-eu-1/cluster", "p-1"), payloadFrom("/company/audit/kube", "o-1"))) {
                handler.handleRequest(new CloudWatchLogsEvent().withAwsLogs(
                        new CloudWatchLogsEvent.AWSLogs().withData(AuditFixtures.base64Gzip(payload))), null);
            }
        } finally {
            handler.close();
        }
        Map<String, String> expected = new HashMap<>();
        expected.put("p-1", "prod-eu-1");
        expected.put("o-1", null);
        assertThat(clusterByAuditId()).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void oneFirehoseRequestCarryingSeveralClustersLabelsEachWithItsOwn() throws Exception {
        Pipeline<CloudWatchLogEvent> pipeline = Pipeline.builder("eks", new EksAuditTranslator("fallback-name"),
                        WebhookSink.builder(WebhookFake.url(webhook)).build())
                .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION)
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(20))
                        .maxRetryDuration(Duration.ofSeconds(3)).build())
                .deadLetters(DeadLetterLog.stderr())
                .build();
        pipeline.start();
        String key = "fh-key-cluster-identity";
        try (HttpReceiver receiver = HttpReceiver.start(HttpReceiverConfig.builder().host("127.0.0.1").port(0).path("/firehose").build(),
                new FirehoseRequestHandler(() -> key, new PushDelivery<>(pipeline,
                        PushBudget.forDeadline(Duration.ofSeconds(22), Duration.ofSeconds(3)), Duration.ofSeconds(5)),
                        java.time.Clock.systemUTC()))) {
            StringBuilder records = new StringBuilder();
            for (String p : List.of(payloadFrom("/aws/eks/prod-eu-1/cluster", "p-1"), payloadFrom("/aws/eks/dev/cluster", "d-1"),
                    payloadFrom("/aws/eks/not-eks-shaped", "o-1"))) {
                records.append(records.isEmpty() ? "" : ",").append("{\"data\":\"").append(AuditFixtures.base64Gzip(p)).append("\"}");
            }
            String requestId = "5a0a4a0e-0000-4000-8000-00000000c1d7";
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + receiver.port() + "/firehose"))
                    .header("Content-Type", "application/json").header("X-Amz-Firehose-Request-Id", requestId)
                    .header("X-Amz-Firehose-Access-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"requestId\":\"" + requestId
                            + "\",\"timestamp\":1796000405000,\"records\":[" + records + "]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
        } finally {
            pipeline.close();
        }
        assertThat(clusterByAuditId()).containsExactlyInAnyOrderEntriesOf(Map.of("p-1", "prod-eu-1", "d-1", "dev",
                "o-1", "fallback-name"));
    }

    @Test
    void anEventThatAlreadyNamesItsClusterKeepsIt() {
        String line = auditLine("k-1").replace("\"annotations\":{", "\"annotations\":{\"cluster_name\":\"set-by-apiserver\",");
        List<SourceRecord<CloudWatchLogEvent>> records = SubscriptionPayloads.fromJson(io.auditbridge.core.EventJson.MAPPER
                .valueToTree(Map.of("messageType", "DATA_MESSAGE", "logGroup", "/aws/eks/prod-eu-1/cluster", "logStream", AUDIT_STREAM,
                        "logEvents", List.of(Map.of("id", "1", "timestamp", 1, "message", line)))), "t");
        Event e = new EksAuditTranslator("x").translate(records.getFirst()).events().getFirst();
        assertThat(e.annotation("cluster_name")).isEqualTo("set-by-apiserver");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "/aws/eks/prod-eu-1/cluster | prod-eu-1",
        "/aws/eks/My_Cluster2/cluster | My_Cluster2",
        "/aws/eks/prod/cluster/extra | null",
        "/aws/eks//cluster | null",
        "aws/eks/prod/cluster | null",
        "/aws/eks/prod/other | null",
        "/aws/lambda/prod | null",
    })
    void theClusterIsReadOnlyFromGroupsOfEksShape(String group, String cluster) {
        assertThat(EksLogGroup.clusterName(group)).isEqualTo(cluster);
    }

    @Test
    void thePollerTakesTheClusterFromAnEksShapedLogGroupWhenNotGivenOne() {
        CloudWatchOptions o = new CloudWatchOptions();
        o.logGroup = "/aws/eks/from-group/cluster";
        assertThat(o.clusterName()).isEqualTo("from-group");
        o.cluster = "explicit";
        assertThat(o.clusterName()).isEqualTo("explicit");
        o.cluster = null;
        o.logGroup = "/custom/group";
        assertThat(o.clusterName()).isNull();
    }
}
