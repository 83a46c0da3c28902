package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogEntryTranslatorTest {
    private final LogEntryTranslator translator = new LogEntryTranslator();

    private Translation translate(String fixture) {
        return translator.translate(new SourceRecord<>("gke", null, fixture, Fixtures.entry(fixture)));
    }

    private Event only(String fixture) {
        Translation t = translate(fixture);
        assertThat(t.errors()).isEmpty();
        assertThat(t.events()).hasSize(1);
        return t.events().getFirst();
    }

    private static JsonNode expected(String name) throws Exception {
        return EventJson.MAPPER.readTree(Fixtures.bytes("events/" + name + ".json"));
    }

    /** Integers must be written as integers: Falco compares them as text. */
    private static String text(Event e) {
        return new String(e.toJsonBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void podCreateBecomesTheEventKubeApiserverWouldWrite() throws Exception {
        Event e = only("pod-create");
        assertThat(e.json()).isEqualTo(expected("pod-create"));
        assertThat(text(e)).contains("\"containerPort\":80,").contains("\"runAsUser\":0}").contains("\"code\":201}")
                .doesNotContain(".0,").doesNotContain("@type");
        assertThat(e.missingFields()).isEmpty();
    }

    @Test
    void deleteOfMissingObjectKeepsTheStatusBody404AsInteger() throws Exception {
        Event e = only("delete-404");
        assertThat(e.json()).isEqualTo(expected("delete-404"));
        assertThat(text(e)).contains("\"code\":404}").doesNotContain("404.0");
    }

    @Test
    void permissionDeniedWithoutBodyMapsGrpcCodeTo403() {
        Event e = only("denied-403");
        JsonNode s = e.json().get("responseStatus");
        assertThat(s.get("code").asInt()).isEqualTo(403);
        assertThat(s.get("code").isIntegralNumber()).isTrue();
        assertThat(s.get("status").asText()).isEqualTo("Failure");
        assertThat(s.get("reason").asText()).isEqualTo("Forbidden");
        assertThat(e.annotation("authorization.k8s.io/decision")).isEqualTo("forbid");
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/apis/rbac.authorization.k8s.io/v1/clusterroles");
        JsonNode ref = e.json().get("objectRef");
        assertThat(ref.get("apiGroup").asText()).isEqualTo("rbac.authorization.k8s.io");
        assertThat(ref.get("resource").asText()).isEqualTo("clusterroles");
        assertThat(ref.has("namespace")).isFalse();
        assertThat(e.missingFields()).containsExactly("requestObject");
    }

    @Test
    void alreadyExistsMapsTo409AndANamespaceCreateIsAPostToTheCollection() {
        Event e = only("exists-409");
        assertThat(e.json().at("/responseStatus/code").asInt()).isEqualTo(409);
        assertThat(e.json().at("/responseStatus/reason").asText()).isEqualTo("AlreadyExists");
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/api/v1/namespaces");
        assertThat(e.json().at("/objectRef/namespace").isMissingNode()).isTrue();
        assertThat(e.json().at("/objectRef/name").asText()).isEqualTo("team-a");
        assertThat(e.json().at("/requestObject/apiVersion").asText()).isEqualTo("v1");
        assertThat(e.json().at("/requestObject/kind").asText()).isEqualTo("Namespace");
    }

    @Test
    void execFirstEntryIsResponseStarted101WithTheQueryDeclaredMissing() {
        Event e = only("exec-first");
        assertThat(e.stage()).isEqualTo("ResponseStarted");
        assertThat(e.verb()).isEqualTo("create");
        assertThat(e.json().at("/responseStatus/code").asInt()).isEqualTo(101);
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/api/v1/namespaces/default/pods/nginx-1/exec");
        assertThat(e.json().at("/objectRef/subresource").asText()).isEqualTo("exec");
        assertThat(e.json().at("/objectRef/name").asText()).isEqualTo("nginx-1");
        assertThat(e.json().at("/objectRef/apiGroup").isMissingNode()).isTrue();
        assertThat(e.missingFields()).containsExactly("requestURI.query");
        assertThat(e.json().get("stageTimestamp").asText()).isEqualTo("2026-11-30T01:02:06.100000Z");
    }

    @Test
    void execLastEntryStandsForTheStartTooAndCompletes() {
        Translation t = translate("exec-last");
        assertThat(t.events()).extracting(Event::stage).containsExactly("ResponseStarted", "ResponseComplete");
        assertThat(t.events()).extracting(Event::auditId).containsOnly("8f3c6a1e-5b2d-4c1a-9f00-000000000004");
        assertThat(t.events().get(1).json().at("/responseStatus/code").asInt()).isEqualTo(101);
    }

    @Test
    void execFirstAndLastShareTheDedupeKeyOfTheirStart() {
        Event first = only("exec-first");
        List<Event> last = translate("exec-last").events();
        assertThat(last.getFirst().dedupeKey()).isEqualTo(first.dedupeKey());
        assertThat(last.get(1).dedupeKey()).isNotEqualTo(first.dedupeKey());
    }

    @Test
    void attachWithOnlyALastEntryStillYieldsOneResponseStarted() {
        Translation t = translate("attach-last");
        assertThat(t.events()).extracting(Event::stage).containsExactly("ResponseStarted", "ResponseComplete");
        Event started = t.events().getFirst();
        assertThat(started.json().at("/objectRef/subresource").asText()).isEqualTo("attach");
        assertThat(started.json().at("/objectRef/namespace").asText()).isEqualTo("kube-system");
        assertThat(started.json().get("requestURI").asText()).isEqualTo("/api/v1/namespaces/kube-system/pods/etcd-0/attach");
        assertThat(started.missingFields()).containsExactly("requestURI.query");
    }

    @Test
    void nodeProxyKeepsThePathAfterTheSubresource() {
        Event e = only("node-proxy");
        assertThat(e.verb()).isEqualTo("get");
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/api/v1/nodes/gke-prod-1-pool-a-1/proxy/metrics/cadvisor");
        JsonNode ref = e.json().get("objectRef");
        assertThat(ref.get("resource").asText()).isEqualTo("nodes");
        assertThat(ref.get("name").asText()).isEqualTo("gke-prod-1-pool-a-1");
        assertThat(ref.get("subresource").asText()).isEqualTo("proxy");
        assertThat(ref.has("namespace")).isFalse();
        assertThat(e.json().at("/user/username").asText()).isEqualTo("system:serviceaccount:monitoring:prometheus");
        assertThat(e.json().at("/responseStatus/code").asInt()).isEqualTo(200);
    }

    @Test
    void statusSubresourcePatchKeepsThePatchBodyWithoutType() {
        Event e = only("pod-status");
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/api/v1/namespaces/default/pods/nginx-1/status");
        assertThat(e.json().at("/objectRef/subresource").asText()).isEqualTo("status");
        assertThat(e.json().get("requestObject").toString()).isEqualTo("{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
        assertThat(e.stage()).isEqualTo("ResponseComplete");
        assertThat(e.missingFields()).isEmpty();
    }

    @Test
    void logSubresourceDropsGkesEchoOfThePodName() {
        Event e = only("pod-log");
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/api/v1/namespaces/default/pods/nginx-1/log");
        assertThat(e.json().at("/objectRef/subresource").asText()).isEqualTo("log");
        assertThat(e.stage()).isEqualTo("ResponseComplete");
        assertThat(e.json().get("level").asText()).isEqualTo("Metadata");
    }

    @Test
    void dryRunIsMarkedInAnnotationAndUri() {
        Event e = only("dry-run");
        assertThat(e.annotation(LogEntryTranslator.ANNOTATION_DRY_RUN)).isEqualTo("true");
        assertThat(e.annotation("command.gke.io/dryRun")).isEqualTo("true");
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/apis/apps/v1/namespaces/default/deployments?dryRun=All");
        assertThat(e.json().at("/requestObject/apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(e.json().at("/requestObject/kind").asText()).isEqualTo("Deployment");
        assertThat(e.json().at("/requestObject/spec/replicas").isIntegralNumber()).isTrue();
        assertThat(e.json().at("/objectRef/apiGroup").asText()).isEqualTo("apps");
    }

    @Test
    void configMapCreateLoggedAtMetadataLevelDeclaresRequestObjectMissing() {
        Event e = only("configmap-create");
        assertThat(e.json().has("requestObject")).isFalse();
        assertThat(e.missingFields()).containsExactly("requestObject");
        assertThat(e.annotation(Event.ANNOTATION_MISSING)).isEqualTo("requestObject");
        assertThat(e.annotation(Event.ANNOTATION_SOURCE)).isEqualTo("gke");
        assertThat(e.json().at("/responseStatus/code").asInt()).isEqualTo(201);
    }

    @Test
    void clusterIdentityBecomesAnnotations() {
        Event e = only("configmap-create");
        assertThat(e.annotation("cluster_name")).isEqualTo("prod-1");
        assertThat(e.annotation("location")).isEqualTo("europe-west1");
        assertThat(e.annotation("project_id")).isEqualTo("demo-project");
    }

    @Test
    void nonK8sAuditEntriesAreSkippedAndCounted() {
        Translation t = new LogEntryJsonTranslator(translator).translate(
                SourceRecord.unpositioned("container-api", Fixtures.bytes("logentries/container-api.json")));
        assertThat(t.events()).isEmpty();
        assertThat(t.errors()).isEmpty();
        assertThat(t.skipped()).containsEntry(LogEntryTranslator.SKIP_FOREIGN, 1);
        Translation text = translator.translate(new SourceRecord<>("gke", null, "t",
                com.google.logging.v2.LogEntry.newBuilder().setInsertId("x").setTextPayload("hello").build()));
        assertThat(text.skipped()).containsEntry("not_audit_log", 1);
    }

    @Test
    void nonResourceRequestYieldsAnEventWithoutObjectRefAndIsNotCountedUnparsed() {
        long before = translator.unparsedResourceNames();
        Event e = only("unparseable");
        assertThat(e.json().has("objectRef")).isFalse();
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/version");
        assertThat(e.verb()).isEqualTo("get");
        assertThat(translator.unparsedResourceNames()).isEqualTo(before);
        assertThat(translator.nonResourceRequests()).isEqualTo(1);
    }

    @Test
    void unparseableResourceNameStillYieldsAnEventWithoutObjectRef() {
        com.google.logging.v2.LogEntry version = Fixtures.entry("unparseable");
        com.google.logging.v2.LogEntry odd = version.toBuilder().setProtoPayload(com.google.protobuf.Any.pack(
                unpack(version).toBuilder().setMethodName("io.k8s.core.v1.pods.get").setResourceName("core/pods").build())).build();
        Translation t = translator.translate(new SourceRecord<>("gke", null, "odd", odd));
        assertThat(t.events()).hasSize(1);
        assertThat(t.events().getFirst().json().has("objectRef")).isFalse();
        assertThat(t.events().getFirst().json().get("requestURI").asText()).isEqualTo("/core/pods");
        assertThat(translator.unparsedResourceNames()).isEqualTo(1);
    }

    @Test
    void unparseableShapesAreLoggedOncePerShape() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(LogEntryTranslator.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            com.google.logging.v2.LogEntry base = Fixtures.entry("unparseable");
            com.google.logging.v2.LogEntry version = base.toBuilder().setProtoPayload(com.google.protobuf.Any.pack(
                    unpack(base).toBuilder().setMethodName("io.k8s.core.v1.pods.get").setResourceName("version").build())).build();
            com.google.logging.v2.LogEntry healthz = version.toBuilder().setProtoPayload(com.google.protobuf.Any.pack(
                    unpack(version).toBuilder().setResourceName("healthz/etcd").build())).build();
            for (com.google.logging.v2.LogEntry e : List.of(version, version, healthz, version, healthz)) {
                assertThat(translator.translate(new SourceRecord<>("gke", null, "r", e)).events()).hasSize(1);
            }
            assertThat(appender.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .hasSize(2).allSatisfy(m -> assertThat(m).startsWith("resource name of an unknown shape"));
            assertThat(translator.unparsedResourceNames()).isEqualTo(5);
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void delegationIsImpersonation() {
        Event e = only("impersonated");
        assertThat(e.json().at("/user/username").asText()).isEqualTo("bob@example.com");
        assertThat(e.json().at("/impersonatedUser/username").asText()).isEqualTo("deployer@demo-project.iam.gserviceaccount.com");
        assertThat(e.verb()).isEqualTo("get");
        assertThat(e.missingFields()).isEmpty();
    }

    @Test
    void clusterScopedCollectionHasNoName() {
        Event e = only("clusterroles-list");
        assertThat(e.verb()).isEqualTo("list");
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/apis/rbac.authorization.k8s.io/v1/clusterroles");
        assertThat(e.json().at("/objectRef/name").isMissingNode()).isTrue();
    }

    @Test
    void namespacedCreateWithGenerateNameHasNoName() {
        Event e = only("pod-generate-name");
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/api/v1/namespaces/default/pods");
        assertThat(e.json().at("/objectRef/namespace").asText()).isEqualTo("default");
        assertThat(e.json().at("/objectRef/name").isMissingNode()).isTrue();
        assertThat(e.json().get("level").asText()).isEqualTo("Request");
    }

    @Test
    void refusedExecIsAnOrdinaryFailureNotAStream() {
        com.google.logging.v2.LogEntry denied = Fixtures.entry("exec-first").toBuilder()
                .setProtoPayload(com.google.protobuf.Any.pack(unpack(Fixtures.entry("exec-first")).toBuilder()
                        .setStatus(com.google.rpc.Status.newBuilder().setCode(7).setMessage("PERMISSION_DENIED")).build()))
                .build();
        Translation t = translator.translate(new SourceRecord<>("gke", null, "denied-exec", denied));
        assertThat(t.events()).extracting(Event::stage).containsExactly("ResponseComplete");
        assertThat(t.events().getFirst().json().at("/responseStatus/code").asInt()).isEqualTo(403);
    }

    private static com.google.cloud.audit.AuditLog unpack(com.google.logging.v2.LogEntry e) {
        try {
            return e.getProtoPayload().unpack(com.google.cloud.audit.AuditLog.class);
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
        }
    }
}
