package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GKE entries against what kube-apiserver itself logs for the same request ({@code RequestInfoFactory} and the
 * audit package filling {@code objectRef}). Inputs are REST LogEntry JSON as Cloud Logging documents it
 * ({@code protoPayload} an {@code AuditLog}, {@code methodName io.k8s.<group>.<version>.<resource>[.<sub>].<verb>},
 * {@code resourceName <group>/<version>/[namespaces/NS/]<resource>[/<name>[/<sub>]]}); each goes through the JSON
 * reader and the translator, as {@code translate}, the Pub/Sub subscriber and the Cloud Function do.
 */
class ApiServerFidelityTest {
    private final LogEntryTranslator entries = new LogEntryTranslator();
    private final LogEntryJsonTranslator json = new LogEntryJsonTranslator(entries);
    private final ch.qos.logback.classic.Logger logger =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(LogEntryTranslator.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logged);
    }

    /** One k8s.io Admin Activity entry; {@code extra} is spliced into protoPayload (",\"request\":{…}"). */
    static String entry(String service, String method, String resourceName, String extra) {
        return """
                {"insertId":"e-%s","logName":"projects/demo-project/logs/cloudaudit.googleapis.com%%2Factivity",
                 "operation":{"id":"e-%s","producer":"k8s.io","first":true,"last":true},
                 "protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog",
                   "authenticationInfo":{"principalEmail":"alice@example.com"},
                   "methodName":"%s","resourceName":"%s","serviceName":"%s",
                   "requestMetadata":{"callerIp":"203.0.113.7","callerSuppliedUserAgent":"kubectl/v1.31.2"}%s},
                 "receiveTimestamp":"2026-11-30T01:02:04Z",
                 "resource":{"type":"k8s_cluster","labels":{"cluster_name":"prod-1","location":"europe-west1","project_id":"demo-project"}},
                 "severity":"NOTICE","timestamp":"2026-11-30T01:02:03.4108Z"}
                """.formatted(Math.abs(resourceName.hashCode()), Math.abs(resourceName.hashCode()), method, resourceName,
                service, extra);
    }

    static String k8s(String method, String resourceName) {
        return entry("k8s.io", method, resourceName, ",\"status\":{}");
    }

    private Translation translate(String entryJson) {
        return json.translate(SourceRecord.unpositioned("test", entryJson.getBytes(StandardCharsets.UTF_8)));
    }

    private Event only(String entryJson) {
        Translation t = translate(entryJson);
        assertThat(t.errors()).isEmpty();
        assertThat(t.skipped()).isEmpty();
        assertThat(t.events()).hasSize(1);
        return t.events().getFirst();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        // method | resourceName | requestURI | objectRef.name | objectRef.namespace ('' = absent)
        "io.k8s.core.v1.pods.create | core/v1/namespaces/default/pods/nginx | /api/v1/namespaces/default/pods | nginx | default",
        "io.k8s.core.v1.configmaps.create | core/v1/namespaces/kube-system/configmaps/cfg | /api/v1/namespaces/kube-system/configmaps | cfg | kube-system",
        "io.k8s.core.v1.nodes.create | core/v1/nodes/node-7 | /api/v1/nodes | node-7 | ''",
        "io.k8s.apps.v1.deployments.create | apps/v1/namespaces/shop/deployments/web | /apis/apps/v1/namespaces/shop/deployments | web | shop",
        "io.k8s.batch.v1.cronjobs.create | batch/v1/namespaces/shop/cronjobs/nightly | /apis/batch/v1/namespaces/shop/cronjobs | nightly | shop",
        "io.k8s.authorization.rbac.v1.clusterroles.create | rbac.authorization.k8s.io/v1/clusterroles/admin-2 | /apis/rbac.authorization.k8s.io/v1/clusterroles | admin-2 | ''",
        "io.k8s.authorization.rbac.v1.rolebindings.create | rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings/rb | /apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings | rb | shop",
        "io.k8s.networking.v1.ingresses.create | networking.k8s.io/v1/namespaces/web/ingresses/site | /apis/networking.k8s.io/v1/namespaces/web/ingresses | site | web",
        "io.k8s.admissionregistration.v1.validatingwebhookconfigurations.create | admissionregistration.k8s.io/v1/validatingwebhookconfigurations/gate | /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations | gate | ''",
        "io.cert-manager.v1.certificates.create | cert-manager.io/v1/namespaces/web/certificates/site-tls | /apis/cert-manager.io/v1/namespaces/web/certificates | site-tls | web",
        "io.k8s.core.v1.namespaces.create | core/v1/namespaces/team-a | /api/v1/namespaces | team-a | ''",
    })
    void createIsAPostToTheCollectionAndKeepsTheNewObjectsName(String method, String resourceName, String uri,
                                                              String name, String namespace) {
        Event e = only(k8s(method, resourceName));
        assertThat(e.verb()).isEqualTo("create");
        assertThat(e.json().get("requestURI").asText()).isEqualTo(uri);
        assertThat(e.json().at("/objectRef/name").asText()).isEqualTo(name);
        if (namespace.isEmpty()) {
            assertThat(e.json().at("/objectRef/namespace").isMissingNode()).isTrue();
        } else {
            assertThat(e.json().at("/objectRef/namespace").asText()).isEqualTo(namespace);
        }
        assertThat(e.json().at("/responseStatus/code").asInt()).isEqualTo(201);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "io.k8s.core.v1.pods.eviction.create | core/v1/namespaces/default/pods/nginx/eviction | /api/v1/namespaces/default/pods/nginx/eviction",
        "io.k8s.core.v1.serviceaccounts.token.create | core/v1/namespaces/ci/serviceaccounts/builder/token | /api/v1/namespaces/ci/serviceaccounts/builder/token",
        "io.k8s.core.v1.pods.binding.create | core/v1/namespaces/default/pods/nginx/binding | /api/v1/namespaces/default/pods/nginx/binding",
    })
    void createOfASubresourceIsAPostToThatSubresourceAndKeepsTheName(String method, String resourceName, String uri) {
        Event e = only(k8s(method, resourceName));
        assertThat(e.json().get("requestURI").asText()).isEqualTo(uri);
        assertThat(e.json().at("/objectRef/subresource").asText()).isEqualTo(resourceName.substring(resourceName.lastIndexOf('/') + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", "update", "patch", "delete"})
    void otherVerbsOfOneObjectKeepItsNameInThePath(String verb) {
        Event e = only(k8s("io.k8s.apps.v1.deployments." + verb, "apps/v1/namespaces/shop/deployments/web"));
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/apis/apps/v1/namespaces/shop/deployments/web");
        assertThat(e.json().at("/objectRef/namespace").asText()).isEqualTo("shop");
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", "update", "patch", "delete"})
    void aNamespaceIsItsOwnNamespaceForRequestsToItsPath(String verb) {
        Event e = only(k8s("io.k8s.core.v1.namespaces." + verb, "core/v1/namespaces/team-a"));
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/api/v1/namespaces/team-a");
        JsonNode ref = e.json().get("objectRef");
        assertThat(ref.get("resource").asText()).isEqualTo("namespaces");
        assertThat(ref.get("name").asText()).isEqualTo("team-a");
        assertThat(ref.get("namespace").asText()).isEqualTo("team-a");
        assertThat(ref.has("apiGroup")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"status,update", "finalize,update", "status,patch", "status,get"})
    void aNamespaceSubresourceNamesTheNamespaceToo(String sub, String verb) {
        Event e = only(k8s("io.k8s.core.v1.namespaces." + sub + "." + verb, "core/v1/namespaces/team-a/" + sub));
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/api/v1/namespaces/team-a/" + sub);
        JsonNode ref = e.json().get("objectRef");
        assertThat(ref.get("resource").asText()).isEqualTo("namespaces");
        assertThat(ref.get("name").asText()).isEqualTo("team-a");
        assertThat(ref.get("namespace").asText()).isEqualTo("team-a");
        assertThat(ref.get("subresource").asText()).isEqualTo(sub);
    }

    @Test
    void aNamespaceCreateHasNoNamespaceEvenWhenItsBodyIsLogged() {
        Event e = only(entry("k8s.io", "io.k8s.core.v1.namespaces.create", "core/v1/namespaces/team-b",
                ",\"status\":{},\"request\":{\"@type\":\"core.k8s.io/v1.Namespace\",\"metadata\":{\"name\":\"team-b\"}}"));
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/api/v1/namespaces");
        assertThat(e.json().at("/objectRef/name").asText()).isEqualTo("team-b");
        assertThat(e.json().at("/objectRef/namespace").isMissingNode()).isTrue();
        assertThat(e.json().at("/requestObject/kind").asText()).isEqualTo("Namespace");
    }

    @ParameterizedTest
    @ValueSource(strings = {"readyz", "livez", "healthz", "version", "api", "api/v1", "apis", "apis/apps/v1",
            "openapi/v2", "openapi/v3/apis/apps/v1", "HNAP1", "metrics"})
    void nonResourceRequestsHaveNoObjectRefAndThePathAsUri(String path) {
        long unparsedBefore = entries.unparsedResourceNames();
        long nonResourceBefore = entries.nonResourceRequests();
        Event e = only(k8s("io.k8s.get", path));
        assertThat(e.json().has("objectRef")).isFalse();
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/" + path);
        assertThat(e.verb()).isEqualTo("get");
        assertThat(e.json().at("/responseStatus/code").asInt()).isEqualTo(200);
        assertThat(e.json().get("level").asText()).isEqualTo("Metadata");
        assertThat(entries.unparsedResourceNames()).isEqualTo(unparsedBefore);
        assertThat(entries.nonResourceRequests()).isEqualTo(nonResourceBefore + 1);
        assertThat(logged.list).filteredOn(l -> l.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();
    }

    @Test
    void aPostToANonResourcePathKeepsItsVerb() {
        Event e = only(k8s("io.k8s.post", "/logs/../etc/passwd"));
        assertThat(e.json().has("objectRef")).isFalse();
        assertThat(e.verb()).isEqualTo("post");
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/logs/../etc/passwd");
    }

    @Test
    void aResourceMethodWithAnUnparseableNameIsStillCountedAndWarnedOnce() {
        long before = entries.unparsedResourceNames();
        only(k8s("io.k8s.core.v1.pods.get", "core"));
        only(k8s("io.k8s.core.v1.pods.get", "core"));
        assertThat(entries.unparsedResourceNames()).isEqualTo(before + 2);
        assertThat(logged.list).filteredOn(l -> l.getLevel() == Level.WARN).hasSize(1);
    }

    /** google.rpc.Status details as the JSON mapping of Any writes them. */
    private static final String PRECONDITION_FAILURE = """
            ,"status":{"code":9,"message":"FAILED_PRECONDITION","details":[{"@type":"type.googleapis.com/google.rpc.PreconditionFailure",
              "violations":[{"type":"TOS","subject":"projects/demo-project","description":"Terms of service not accepted"}]}]}""";
    private static final String UNKNOWN_DETAIL = """
            ,"status":{"code":9,"message":"FAILED_PRECONDITION","details":[{"@type":"type.googleapis.com/google.container.v1.NotAType",
              "reason":"whatever"}]}""";

    @ParameterizedTest
    @ValueSource(strings = {"container.googleapis.com", "compute.googleapis.com", "iam.googleapis.com"})
    void anotherGoogleServicesAuditEntryIsSkippedAsForeignWhateverItsPayloadHolds(String service) {
        for (String status : List.of(PRECONDITION_FAILURE, UNKNOWN_DETAIL, ",\"status\":{}",
                ",\"status\":{},\"request\":{\"@type\":\"type.googleapis.com/google.container.v1.SetLabelsRequest\",\"x\":1}")) {
            Translation t = translate(entry(service, "google.container.v1.ClusterManager.SetLabels",
                    "projects/demo-project/locations/europe-west1/clusters/prod-1", status));
            assertThat(t.errors()).isEmpty();
            assertThat(t.events()).isEmpty();
            assertThat(t.skipped()).containsExactly(java.util.Map.entry(LogEntryTranslator.SKIP_FOREIGN, 1));
        }
    }

    @Test
    void aForeignEntryAsAProtoIsSkippedAsForeignToo() {
        com.google.logging.v2.LogEntry e = com.google.logging.v2.LogEntry.newBuilder().setInsertId("x")
                .setProtoPayload(com.google.protobuf.Any.pack(com.google.cloud.audit.AuditLog.newBuilder()
                        .setServiceName("container.googleapis.com").setMethodName("google.container.v1.ClusterManager.SetLabels")
                        .setStatus(com.google.rpc.Status.newBuilder().setCode(9).addDetails(com.google.protobuf.Any.pack(
                                com.google.rpc.PreconditionFailure.getDefaultInstance())))
                        .build()))
                .build();
        assertThat(entries.translate(new SourceRecord<>("gke", null, "x", e)).skipped())
                .containsExactly(java.util.Map.entry(LogEntryTranslator.SKIP_FOREIGN, 1));
    }

    @Test
    void aK8sEntryWhoseStatusCarriesGoogleRpcErrorDetailsTranslates() {
        Event e = only(entry("k8s.io", "io.k8s.core.v1.pods.create", "core/v1/namespaces/default/pods/nginx", PRECONDITION_FAILURE));
        assertThat(e.json().at("/responseStatus/code").asInt()).isEqualTo(400);
        assertThat(e.json().at("/responseStatus/status").asText()).isEqualTo("Failure");
        assertThat(e.json().get("requestURI").asText()).isEqualTo("/api/v1/namespaces/default/pods");
    }

    @Test
    void aK8sEntryWhoseStatusCarriesAnUnknownDetailTypeStillTranslates() {
        Event e = only(entry("k8s.io", "io.k8s.core.v1.pods.delete", "core/v1/namespaces/default/pods/nginx", UNKNOWN_DETAIL));
        assertThat(e.json().at("/responseStatus/code").asInt()).isEqualTo(400);
        assertThat(e.json().at("/objectRef/name").asText()).isEqualTo("nginx");
    }
}
