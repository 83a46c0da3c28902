package io.auditbridge.openshift;

import static io.auditbridge.core.testing.TranslateRun.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.TranslateRun;
import org.junit.jupiter.api.Test;

/** The ClusterLogForwarder bodies of {@code samples/openshift}, translated as bridge-openshift/README.md shows. */
class OpenShiftSamplesTest {
    @Test
    void logging6xJsonArray() {
        TranslateRun run = TranslateRun.of(new OpenShiftBridge(), "--cluster", "ocp4-prod-eu1",
                sample("openshift/clf-6x-array.json").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.at("/requestURI")).containsExactly("/oauth/authorize?client_id=openshift-browser-client&response_type=code",
                "/api/v1/namespaces/payments/pods/debug-tools-7f9c/exec?command=%2Fbin%2Fsh&container=tools&stdin=true&stdout=true&tty=true",
                "/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings");
        assertThat(run.at("/level")).containsExactly("Metadata", "Metadata", "Request");
        assertThat(run.at("/annotations/cluster_name")).containsOnly("ocp4-prod-eu1");
        assertThat(run.events()).allSatisfy(e -> assertThat(e.has("log_source") || e.has("hostname") || e.has("@timestamp")
                || e.has("k8s_audit_level") || e.has("openshift_audit_level") || e.has("openshift")).isFalse());
        assertThat(run.stderr()).contains("openshift: 3 events, 0 record errors, 2 skipped");
    }

    @Test
    void logging5xNdjsonBodyGetsItsRealAuditLevelsBack() {
        TranslateRun run = TranslateRun.of(new OpenShiftBridge(), sample("openshift/clf-5x-body.ndjson").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.at("/auditID")).containsExactly("5b0c1f7e-3e44-4b7a-9c38-2f1d0a6e9b11", "7a1c3e5f-9b2d-4f6a-8c0e-1d3f5a7b9c22");
        // Vector 5.x wrote level "default"; the real levels were kept in k8s_audit_level / openshift_audit_level.
        assertThat(run.at("/level")).containsExactly("Metadata", "RequestResponse");
        assertThat(run.events()).allSatisfy(e -> assertThat(e.has("tag") || e.has("source_type")).isFalse());
        assertThat(run.stderr()).contains("openshift: 2 events, 0 record errors, 1 skipped");
    }
}
