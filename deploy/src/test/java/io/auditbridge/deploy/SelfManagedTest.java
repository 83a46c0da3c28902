package io.auditbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.deploy.HelmChart.Rendered;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The files a self-managed API server is started with: audit policy and webhook kubeconfig. */
class SelfManagedTest {
    static final Path DIR = HelmChart.DEPLOY.resolve("kubernetes/self-managed");
    static final Set<String> LEVELS = Set.of("None", "Metadata", "Request", "RequestResponse");
    static final Set<String> STAGES = Set.of("RequestReceived", "ResponseStarted", "ResponseComplete", "Panic");
    static final Set<String> RULE_FIELDS = Set.of("level", "users", "userGroups", "verbs", "resources", "namespaces",
            "nonResourceURLs", "omitStages", "omitManagedFields");

    @Test
    @SuppressWarnings("unchecked")
    void auditPolicyIsAValidAuditK8sIoV1PolicyThatKeepsResponseStartedForExecRules() {
        Map<String, Object> policy = Serialization.unmarshal(HelmChart.read(DIR.resolve("audit-policy.yaml")), Map.class);
        assertThat(policy).containsEntry("apiVersion", "audit.k8s.io/v1").containsEntry("kind", "Policy");
        List<String> omit = (List<String>) policy.get("omitStages");
        assertThat(STAGES).containsAll(omit);
        assertThat(omit).as("Falco's exec/attach rules need the ResponseStarted stage").doesNotContain("ResponseStarted");
        List<Map<String, Object>> rules = (List<Map<String, Object>>) policy.get("rules");
        assertThat(rules).isNotEmpty();
        for (Map<String, Object> rule : rules) {
            assertThat(RULE_FIELDS).as("known rule fields").containsAll(rule.keySet());
            assertThat(LEVELS).contains((String) rule.get("level"));
            for (Map<String, Object> group : (List<Map<String, Object>>) rule.getOrDefault("resources", List.of())) {
                assertThat(Set.of("group", "resources", "resourceNames")).containsAll(group.keySet());
            }
        }
        Map<String, Object> last = rules.getLast();
        assertThat(last).as("a catch-all rule last").containsOnlyKeys("level");
        assertThat(rules).as("secrets never logged with bodies").anyMatch(r -> "Metadata".equals(r.get("level"))
                && String.valueOf(r.get("resources")).contains("secrets"));
        int secretsRule = indexOf(rules, "secrets");
        int bodiesRule = indexOf(rules, "pods/exec");
        assertThat(secretsRule).as("the secrets rule comes before any rule logging bodies").isLessThan(bodiesRule);
    }

    private static int indexOf(List<Map<String, Object>> rules, String resource) {
        for (int i = 0; i < rules.size(); i++) {
            if (String.valueOf(rules.get(i).get("resources")).contains(resource)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    @Test
    void webhookKubeconfigTargetsTheDetectorsFixedClusterIp() {
        Config kubeconfig = Serialization.unmarshal(HelmChart.read(DIR.resolve("audit-webhook-kubeconfig.yaml")), Config.class);
        assertThat(StrictModel.unknownFields(kubeconfig)).isEmpty();
        assertThat(kubeconfig.getCurrentContext()).isEqualTo(kubeconfig.getContexts().getFirst().getName());
        URI server = URI.create(kubeconfig.getClusters().getFirst().getCluster().getServer());
        assertThat(kubeconfig.getContexts().getFirst().getContext().getCluster()).isEqualTo(kubeconfig.getClusters().getFirst().getName());
        assertThat(kubeconfig.getUsers().getFirst().getUser().getToken()).isNotBlank();

        // The chart with deploy/helm/examples/self-managed.yaml, as the README installs it.
        List<Rendered> objects = ManifestsTest.render(List.of("self-managed"));
        Service fixed = ManifestsTest.all(objects, Service.class).getFirst();
        assertThat(server.getHost()).as("the API server cannot resolve cluster DNS: it uses the ClusterIP").isEqualTo(fixed.getSpec().getClusterIP());
        assertThat(server.getPort()).isEqualTo(fixed.getSpec().getPorts().getFirst().getPort()).isEqualTo(7765);
        assertThat(server.getPath()).as("a path the detector's serve accepts").isIn("/k8s-audit", "/k8s_audit");
        assertThat(ManifestsTest.all(objects, io.fabric8.kubernetes.api.model.apps.Deployment.class).getFirst().getSpec().getTemplate()
                .getMetadata().getLabels()).containsAllEntriesOf(fixed.getSpec().getSelector());
    }
}
