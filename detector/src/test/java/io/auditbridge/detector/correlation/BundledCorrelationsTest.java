package io.auditbridge.detector.correlation;

import static io.auditbridge.detector.correlation.CorrelationFixture.ev;
import static io.auditbridge.detector.correlation.CorrelationFixture.exec;
import static io.auditbridge.detector.correlation.CorrelationFixture.patched;
import static io.auditbridge.detector.correlation.CorrelationFixture.secretGet;
import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.Event;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.rules.RulesFiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each bundled correlation fires on its attack pattern and stays silent on a near miss. */
class BundledCorrelationsTest {
    /** Turns on the correlations that ship disabled, as a user would in their own file. */
    private static final String ENABLE_ALL = """
            - correlation: K8s Mass Pod Deletion
              enabled: true
            - correlation: K8s Service Account Token Request Burst
              enabled: true
            """;

    private static List<String> fired(List<Event> events) {
        return fired(events, true);
    }

    private static List<String> fired(List<Event> events, boolean enableAll) {
        String bundled = CorrelationFiles.bundledText();
        var f = enableAll
                ? new CorrelationFixture(RulesFiles.bundledText(), CorrelationEngine.Settings.DEFAULT, bundled, ENABLE_ALL)
                : new CorrelationFixture(RulesFiles.bundledText(), CorrelationEngine.Settings.DEFAULT, bundled);
        events.forEach(f::feed);
        return f.flush().stream().filter(a -> a.tags().contains("correlation")).map(Alert::rule).toList();
    }

    private static List<Event> times(int n, java.util.function.IntFunction<Event> event) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(event.apply(i));
        }
        return out;
    }

    @Test
    void permissionEnumerationBurst() {
        assertThat(fired(times(20, i -> ev("f" + i, i * 2, "eve", "list", "nodes", "default", null, 403))))
                .containsExactly("K8s Permission Enumeration Burst");
        assertThat(fired(times(19, i -> ev("f" + i, i * 2, "eve", "list", "nodes", "default", null, 403)))).isEmpty();
        assertThat(fired(times(30, i -> ev("f" + i, i, "system:serviceaccount:ci:builder", "list", "nodes", "default", null, 403))))
                .isEmpty();
    }

    @Test
    void secretsReadAcrossNamespaces() {
        assertThat(fired(times(5, i -> secretGet("s" + i, i * 60, "eve", "ns-" + i))))
                .containsExactly("K8s Secrets Read Across Namespaces");
        assertThat(fired(times(12, i -> secretGet("s" + i, i * 30, "eve", "ns-" + i % 4)))).isEmpty();
        assertThat(fired(times(10, i -> secretGet("s" + i, i, "system:node:node-1", "ns-" + i)))).isEmpty();
    }

    @Test
    void execThenSecretRead() {
        assertThat(fired(List.of(exec("e", 0, "eve"), secretGet("s", 120, "eve", "prod"))))
                .containsExactly("K8s Exec Then Secret Read");
        assertThat(fired(List.of(secretGet("s", 0, "eve", "prod"), exec("e", 120, "eve")))).isEmpty();
    }

    @Test
    void clusterAdminBindingThenPrivilegedPod() {
        Event binding = patched(0, """
                {"auditID": "b", "stageTimestamp": "%t", "verb": "create", "user": {"username": "eve"},
                 "objectRef": {"resource": "clusterrolebindings", "apiGroup": "rbac.authorization.k8s.io", "name": "pwn", "namespace": null},
                 "requestObject": {"kind": "ClusterRoleBinding", "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"},
                                   "subjects": [{"kind": "User", "name": "eve"}]},
                 "responseStatus": {"code": 201}}
                """);
        String pod = """
                {"auditID": "p", "stageTimestamp": "%t", "verb": "create", "user": {"username": "eve"},
                 "objectRef": {"resource": "pods", "name": "x", "namespace": "default"},
                 "requestObject": {"kind": "Pod", "spec": {"containers": [{"name": "c", "image": "alpine",
                                   "securityContext": {"privileged": PRIV}}]}},
                 "responseStatus": {"code": 201}}
                """;
        assertThat(fired(List.of(binding, patched(600, pod.replace("PRIV", "true")))))
                .containsExactly("K8s Cluster-Admin Binding Then Privileged Pod");
        assertThat(fired(List.of(binding, patched(600, pod.replace("PRIV", "false"))))).isEmpty();
    }

    @Test
    void massNamespaceDeletion() {
        assertThat(fired(times(5, i -> ev("d" + i, i * 60, "eve", "delete", "namespaces", null, null, 200))))
                .containsExactly("K8s Mass Namespace Deletion");
        assertThat(fired(times(4, i -> ev("d" + i, i * 60, "eve", "delete", "namespaces", null, null, 200)))).isEmpty();
    }

    @Test
    void massPodDeletionShipsDisabled() {
        List<Event> deletes = times(50, i -> ev("d" + i, i, "eve", "delete", "pods", "prod"));
        assertThat(fired(deletes)).containsExactly("K8s Mass Pod Deletion");
        assertThat(fired(deletes, false)).isEmpty();
        assertThat(fired(times(50, i -> ev("d" + i, i, "system:serviceaccount:kube-system:replicaset-controller", "delete", "pods", "prod"))))
                .isEmpty();
    }

    @Test
    void serviceAccountTokenBurstShipsDisabled() {
        List<Event> tokens = times(30, i -> ev("t" + i, i, "eve", "create", "serviceaccounts", "prod", "token", 201));
        assertThat(fired(tokens)).containsExactly("K8s Service Account Token Request Burst");
        assertThat(fired(tokens, false)).isEmpty();
        assertThat(fired(times(30, i -> ev("t" + i, i, "system:node:node-1", "create", "serviceaccounts", "prod", "token", 201))))
                .isEmpty();
    }

    @Test
    void anonymousRequestsRefusedFromOneSource() {
        String anon = """
                {"auditID": "@ID@", "stageTimestamp": "%t", "verb": "get", "requestURI": "/api/v1/secrets",
                 "user": {"username": "system:anonymous", "groups": ["system:unauthenticated"]},
                 "sourceIPs": ["203.0.113.7"], "responseStatus": {"code": @CODE@}}
                """;
        assertThat(fired(times(20, i -> patched(i, anon.replace("@ID@", "a" + i).replace("@CODE@", "403")))))
                .containsExactly("K8s Anonymous Requests Refused From One Source");
        assertThat(fired(times(40, i -> patched(i, anon.replace("@ID@", "a" + i).replace("@CODE@", "200"))))).isEmpty();
    }
}
