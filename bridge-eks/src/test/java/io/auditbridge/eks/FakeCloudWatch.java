package io.auditbridge.eks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.auditbridge.core.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/** WireMock speaking CloudWatch Logs' JSON 1.1 FilterLogEvents, and the real SDK client pointed at it. */
final class FakeCloudWatch {
    static final String TARGET = "Logs_20140328.FilterLogEvents";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    /** One FilteredLogEvent. */
    record Ev(String stream, long timestamp, long ingestionTime, String eventId, String message) {}

    private FakeCloudWatch() {}

    static CloudWatchLogsClient client(WireMockServer wm) {
        return CloudWatchOptions.configure(CloudWatchLogsClient.builder(), Duration.ofSeconds(10))
                .region(Region.US_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")))
                .endpointOverride(URI.create("http://127.0.0.1:" + wm.port()))
                .build();
    }

    /** The response body of one page. */
    static String page(String nextToken, Ev... events) {
        ObjectNode root = EventJson.MAPPER.createObjectNode();
        ArrayNode arr = root.putArray("events");
        for (Ev e : events) {
            arr.addObject().put("logStreamName", e.stream()).put("timestamp", e.timestamp()).put("message", e.message())
                    .put("ingestionTime", e.ingestionTime()).put("eventId", e.eventId());
        }
        root.putArray("searchedLogStreams");
        if (nextToken != null) {
            root.put("nextToken", nextToken);
        }
        return EventJson.toString(root);
    }

    static ResponseDefinitionBuilder ok(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", CONTENT_TYPE).withBody(body);
    }

    static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", CONTENT_TYPE)
                .withBody("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    static ResponseDefinitionBuilder throttled() {
        return error(400, "ThrottlingException", "Rate exceeded");
    }

    /** Answers FilterLogEvents calls with {@code responses}, one per call, in order. */
    static void respondInSequence(WireMockServer wm, ResponseDefinitionBuilder... responses) {
        for (int i = 0; i < responses.length; i++) {
            wm.stubFor(post("/").withHeader("X-Amz-Target", equalTo(TARGET))
                    .inScenario("filter-log-events")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "call-" + i)
                    .willSetStateTo("call-" + (i + 1))
                    .willReturn(responses[i]));
        }
    }

    /** The FilterLogEvents request bodies received, in order. */
    static List<JsonNode> requests(WireMockServer wm) {
        return wm.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET))).stream()
                .map(r -> {
                    try {
                        return EventJson.MAPPER.readTree(r.getBodyAsString());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).toList();
    }
}
