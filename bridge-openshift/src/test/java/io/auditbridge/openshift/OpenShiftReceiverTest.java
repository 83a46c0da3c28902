package io.auditbridge.openshift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.http.HttpReceiverConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POSTs ClusterLogForwarder bodies with OkHttp to the running receiver and checks what reaches the WireMock webhook. */
class OpenShiftReceiverTest {
    private static final String JSON = "application/json";
    private static final String NDJSON = "application/x-ndjson";

    @TempDir
    Path dir;

    private ReceiverHarness h;

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    private ReceiverHarness start(HttpReceiverConfig.Builder config) throws Exception {
        h = new ReceiverHarness(dir, config, null);
        return h;
    }

    private static List<String> ids(List<JsonNode> events) {
        return events.stream().map(e -> e.path("auditID").asText() + "/" + e.path("stage").asText()).toList();
    }

    @Test
    void logging6ArrayDeliversOnlyTheApiServerEventsWithoutCollectorFields() throws Exception {
        start(ReceiverHarness.withToken(dir));
        try (Response r = h.post(Fixtures.read("v6-array.json"), JSON)) {
            assertThat(r.code()).isEqualTo(200);
            JsonNode summary = EventJson.MAPPER.readTree(r.body().bytes());
            assertThat(summary.path("records").asInt()).isEqualTo(7);
            assertThat(summary.path("events").asInt()).isEqualTo(5);
            assertThat(summary.path("skipped").asInt()).as("auditd + OVN").isEqualTo(2);
        }
        List<JsonNode> events = h.delivered();
        // Input order kept; ResponseStarted and ResponseComplete of one exec are two events.
        assertThat(ids(events)).containsExactly(
                "9c8b7a65-0d3e-4c1f-9a51-6b2f3e7d1a01/ResponseStarted",
                "2f0e7c1a-8b4d-4e2a-b7c3-55d0a9e3f102/ResponseComplete",
                "c4d5e6f7-0a1b-4c2d-8e3f-a0b1c2d3e4f5/ResponseComplete",
                "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b/ResponseComplete",
                "9c8b7a65-0d3e-4c1f-9a51-6b2f3e7d1a01/ResponseComplete");
        for (JsonNode e : events) {
            assertThat(Fixtures.AUDIT_EVENT_FIELDS).containsAll(iterable(e.fieldNames()));
            assertThat(e.path("annotations").path("auditbridge.io/source").asText()).isEqualTo("openshift");
            assertThat(e.path("annotations").path(OpenShiftTranslator.ANNOTATION_CLUSTER_ID).asText())
                    .isEqualTo("5b1e4f0e-3c2a-4e7b-9d51-2f6a8c0b7e11");
        }
        JsonNode pod = events.get(1);
        assertThat(pod.path("level").asText()).as("the Event's own audit level stays").isEqualTo("RequestResponse");
        assertThat(EventJson.toString(pod.path("requestObject"))).contains("\"cpu\":1.50").contains("\"hostNetwork\":true");
        assertThat(pod.path("annotations").path("authorization.k8s.io/decision").asText()).isEqualTo("allow");
        assertThat(events.get(0).path("annotations").path(OpenShiftTranslator.ANNOTATION_LABELS).asText())
                .isEqualTo("{\"cluster\":\"ocp4-prod-eu1\",\"env\":\"prod\"}");
        JsonNode oauth = events.get(3);
        assertThat(oauth.has("objectRef")).isFalse();
        assertThat(oauth.path("annotations").path("authentication.openshift.io/username").asText()).isEqualTo("mallory");
    }

    @Test
    void ndjsonGzipAndDeflateBodiesAreRead() throws Exception {
        start(ReceiverHarness.withToken(dir));
        byte[] ndjson = Fixtures.read("v6-ndjson.ndjson");
        try (Response plain = h.post(ndjson, NDJSON)) {
            assertThat(plain.code()).isEqualTo(200);
        }
        assertThat(ids(h.delivered())).containsExactly("2f0e7c1a-8b4d-4e2a-b7c3-55d0a9e3f102/ResponseComplete",
                "c4d5e6f7-0a1b-4c2d-8e3f-a0b1c2d3e4f5/ResponseComplete");

        h.webhookUp(); // clears the journal; the pipeline remembers what it delivered
        try (Response gz = h.post(Fixtures.gzip(Fixtures.read("v6-array.json")), JSON, "Content-Encoding", "gzip")) {
            assertThat(gz.code()).isEqualTo(200);
            assertThat(EventJson.MAPPER.readTree(gz.body().bytes()).path("deduplicated").asInt())
                    .as("the two events already delivered by the ndjson POST").isEqualTo(2);
        }
        assertThat(ids(h.delivered())).containsExactly("9c8b7a65-0d3e-4c1f-9a51-6b2f3e7d1a01/ResponseStarted",
                "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b/ResponseComplete",
                "9c8b7a65-0d3e-4c1f-9a51-6b2f3e7d1a01/ResponseComplete");

        h.webhookUp();
        try (Response z = h.post(Fixtures.zlib(Fixtures.read("v5-array.json")), JSON, "Content-Encoding", "deflate")) {
            assertThat(z.code()).isEqualTo(200);
        }
        assertThat(ids(h.delivered())).containsExactly("5a5a5a5a-0000-4000-8000-000000000005/ResponseComplete",
                "5b5b5b5b-0000-4000-8000-000000000005/ResponseComplete");
    }

    @Test
    void logging5RecordsLoseTagSourceTypeAndFluentdFields() throws Exception {
        start(ReceiverHarness.withToken(dir));
        try (Response v5 = h.post(Fixtures.read("v5-array.json"), JSON);
             Response fluentd = h.post(Fixtures.read("v5-fluentd.ndjson"), NDJSON)) {
            assertThat(v5.code()).isEqualTo(200);
            assertThat(EventJson.MAPPER.readTree(v5.body().bytes()).path("skipped").asInt()).as("the .linux-audit.log record").isEqualTo(1);
            assertThat(fluentd.code()).isEqualTo(200);
        }
        List<JsonNode> events = h.delivered();
        assertThat(ids(events)).containsExactly("5a5a5a5a-0000-4000-8000-000000000005/ResponseComplete",
                "5b5b5b5b-0000-4000-8000-000000000005/ResponseComplete", "f1f1f1f1-0000-4000-8000-000000000005/ResponseStarted");
        for (JsonNode e : events) {
            assertThat(Fixtures.AUDIT_EVENT_FIELDS).containsAll(iterable(e.fieldNames()));
        }
        assertThat(events.get(0).path("annotations").path(OpenShiftTranslator.ANNOTATION_LABELS).asText()).isEqualTo("{\"env\":\"prod\"}");
    }

    @Test
    void clusterNameComesFromTheOutputHeaderWithoutOverwritingTheEvents() throws Exception {
        start(ReceiverHarness.withToken(dir));
        try (Response r = h.post(Fixtures.read("v6-ndjson.ndjson"), NDJSON, "X-Cluster-Name", "prod-eu1")) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(h.delivered()).extracting(e -> e.path("annotations").path("cluster_name").asText())
                .containsOnly("prod-eu1");
    }

    @Test
    void missingOrWrongTokenIs401AndNothingIsDelivered() throws Exception {
        start(ReceiverHarness.withToken(dir));
        byte[] body = Fixtures.read("v6-array.json");
        try (Response none = h.client.newCall(new okhttp3.Request.Builder().url(h.url())
                .post(okhttp3.RequestBody.create(body, okhttp3.MediaType.get(JSON))).build()).execute();
             Response wrong = h.post(body, JSON, "Authorization", "Bearer not-the-token")) {
            assertThat(none.code()).isEqualTo(401);
            assertThat(wrong.code()).isEqualTo(401);
        }
        assertThat(h.pipeline.metrics().count("auditbridge.events.in")).isZero();
        assertThat(h.pipeline.metrics().count(OpenShiftReceiver.REQUESTS_METRIC, "status", "401")).isEqualTo(2);
        assertThat(h.webhookRequests()).isZero();
    }

    @Test
    void oversizeBodyAndGzipBombAre413() throws Exception {
        start(ReceiverHarness.withToken(dir).maxBodyBytes(64 * 1024).maxDecodedBytes(256 * 1024));
        byte[] big = ("[" + "{\"kind\":\"Event\"},".repeat(5000) + "{}]").getBytes(StandardCharsets.UTF_8);
        assertThat(big.length).isGreaterThan(64 * 1024);
        try (Response r = h.post(big, JSON)) {
            assertThat(r.code()).isEqualTo(413);
        }
        byte[] bomb = Fixtures.gzip(new byte[32 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(64 * 1024);
        try (Response r = h.post(bomb, JSON, "Content-Encoding", "gzip")) {
            assertThat(r.code()).isEqualTo(413);
        }
        assertThat(h.webhookRequests()).isZero();
    }

    @Test
    void malformedJsonIs400WithAReason() throws Exception {
        start(ReceiverHarness.withToken(dir));
        try (Response r = h.post("[{\"kind\":\"Event\",".getBytes(StandardCharsets.UTF_8), JSON)) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string()).startsWith("malformed JSON").doesNotContain("\n\n");
        }
        try (Response r = h.post("42".getBytes(StandardCharsets.UTF_8), JSON)) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string()).isEqualTo("expected a JSON array or objects, found a number after record 0\n");
        }
        assertThat(h.webhookRequests()).isZero();
    }

    /**
     * A misconfigured webhook (wrong token, wrong path, a redirect) is an outage, not a rejection: the collector
     * gets 503 + Retry-After each time and keeps the records; nothing is dead-lettered; once the webhook answers
     * 200 every event is delivered once.
     */
    @Test
    void webhookAnswering401Then404Then307Is503EachTimeThen200AndNothingIsDeadLettered() throws Exception {
        start(ReceiverHarness.withToken(dir));
        byte[] body = Fixtures.read("v6-array.json");
        for (int status : new int[] {401, 404, 307}) {
            h.webhook.resetAll();
            h.webhook.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                            com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(ReceiverHarness.WEBHOOK_PATH))
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(status)
                            .withHeader("Location", "http://elsewhere.example/k8s-audit")));
            try (Response r = h.post(body, JSON)) {
                assertThat(r.code()).as("answer while the webhook says %d", status).isEqualTo(503);
                assertThat(r.header("Retry-After")).isNotNull();
            }
            assertThat(h.webhookRequests()).as("the pipeline tried").isPositive();
            assertThat(h.pipeline.notReadyReason()).contains("sink misconfigured").contains("HTTP " + status);
            assertThat(dir.resolve("dead-letter.ndjson")).as("nothing dead-lettered on %d", status).doesNotExist();
        }
        h.webhookUp();
        try (Response r = h.post(body, JSON)) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(ids(h.delivered())).containsExactlyInAnyOrder(
                "9c8b7a65-0d3e-4c1f-9a51-6b2f3e7d1a01/ResponseStarted",
                "2f0e7c1a-8b4d-4e2a-b7c3-55d0a9e3f102/ResponseComplete",
                "c4d5e6f7-0a1b-4c2d-8e3f-a0b1c2d3e4f5/ResponseComplete",
                "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b/ResponseComplete",
                "9c8b7a65-0d3e-4c1f-9a51-6b2f3e7d1a01/ResponseComplete");
        assertThat(dir.resolve("dead-letter.ndjson")).doesNotExist();
        assertThat(h.pipeline.notReadyReason()).isNull();
    }

    @Test
    void webhookDownIs503ThenTheRetriedPostIs200AndNothingIsLost() throws Exception {
        start(ReceiverHarness.withToken(dir));
        byte[] body = Fixtures.read("v6-array.json");
        h.webhookDown();
        try (Response r = h.post(body, JSON)) {
            assertThat(r.code()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isNotNull();
        }
        assertThat(h.webhookRequests()).as("the pipeline tried").isPositive();
        assertThat(h.pipeline.metrics().count(OpenShiftReceiver.REQUESTS_METRIC, "status", "503")).isEqualTo(1);
        assertThat(h.delivered()).isEmpty();

        h.webhookUp();
        try (Response r = h.post(body, JSON)) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(ids(h.delivered())).containsExactlyInAnyOrder(
                "9c8b7a65-0d3e-4c1f-9a51-6b2f3e7d1a01/ResponseStarted",
                "2f0e7c1a-8b4d-4e2a-b7c3-55d0a9e3f102/ResponseComplete",
                "c4d5e6f7-0a1b-4c2d-8e3f-a0b1c2d3e4f5/ResponseComplete",
                "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b/ResponseComplete",
                "9c8b7a65-0d3e-4c1f-9a51-6b2f3e7d1a01/ResponseComplete");
    }

    @Test
    void webhookProcessStoppedIs503AndAfterItRestartsTheRetryIsDelivered() throws Exception {
        start(ReceiverHarness.withToken(dir));
        byte[] body = Fixtures.read("v6-ndjson.ndjson");
        h.webhook.stop(); // connection refused, not an HTTP error
        try (Response r = h.post(body, NDJSON)) {
            assertThat(r.code()).isEqualTo(503);
        }
        h.webhook.start(); // same port: the options fixed it on first start
        h.webhookUp();
        try (Response r = h.post(body, NDJSON)) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(ids(h.delivered())).containsExactly("2f0e7c1a-8b4d-4e2a-b7c3-55d0a9e3f102/ResponseComplete",
                "c4d5e6f7-0a1b-4c2d-8e3f-a0b1c2d3e4f5/ResponseComplete");
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
