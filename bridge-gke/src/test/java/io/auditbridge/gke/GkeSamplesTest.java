package io.auditbridge.gke;

import static io.auditbridge.core.testing.TranslateRun.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.TranslateRun;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The GKE inputs of {@code samples/gke}, translated by the real command exactly as bridge-gke/README.md shows. */
class GkeSamplesTest {
    @Test
    void gcloudLoggingReadOutput() {
        TranslateRun run = TranslateRun.of(new GkeBridge(), sample("gke/gcloud-logging-read.json").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        // Newest first, as gcloud prints: exec (first entry only), /readyz probe, namespace update, pod create.
        assertThat(run.at("/verb")).containsExactly("create", "get", "update", "create");
        assertThat(run.at("/stage")).containsExactly("ResponseStarted", "ResponseComplete", "ResponseComplete", "ResponseComplete");
        assertThat(run.at("/requestURI")).containsExactly("/api/v1/namespaces/payments/pods/debug-shell/exec", "/readyz",
                "/api/v1/namespaces/payments", "/api/v1/namespaces/payments/pods");
        assertThat(run.at("/objectRef/name")).containsExactly("debug-shell", null, "payments", "debug-shell");
        assertThat(run.at("/objectRef/namespace")).containsExactly("payments", null, "payments", "payments");
        assertThat(run.at("/annotations/cluster_name")).containsOnly("prod-1");
        assertThat(run.events().get(3).at("/requestObject/spec/hostPID").asBoolean()).isTrue();
        assertThat(run.events().get(0).at("/annotations/auditbridge.io~1missing").asText()).isEqualTo("requestURI.query");
        // The container.googleapis.com entry (with google.rpc.PreconditionFailure details) is skipped as foreign.
        assertThat(run.stderr()).contains("gke: 4 events, 0 record errors, 1 skipped");
    }

    @Test
    void pubSubPushMessage() {
        TranslateRun run = TranslateRun.of(new GkeBridge(), sample("gke/pubsub-push-message.json").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.events()).singleElement().satisfies(e -> {
            assertThat(e.get("requestURI").asText()).isEqualTo("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings");
            assertThat(e.at("/objectRef/name").asText()).isEqualTo("ci-admin");
            assertThat(e.at("/requestObject/roleRef/name").asText()).isEqualTo("cluster-admin");
            assertThat(e.at("/requestObject/kind").asText()).isEqualTo("ClusterRoleBinding");
            assertThat(e.at("/responseStatus/code").asInt()).isEqualTo(201);
        });
        assertThat(Arrays.asList(run.stderr().split("\n"))).anyMatch(l -> l.contains("gke: 1 events"));
    }
}
