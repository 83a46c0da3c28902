package io.auditbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.deploy.Kustomization.Rendered;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Renders every Kustomize base under deploy/kubernetes and checks each object against the Kubernetes types and our rules. */
class ManifestsTest {
    static final Path DEPLOY = Path.of(System.getProperty("auditbridge.deploy.dir", "."));
    static final Path K8S = DEPLOY.resolve("kubernetes");

    /** The command each base runs: its options (mixins included) are what the manifests may set. */
    static final Map<String, Supplier<Object>> COMMANDS = Map.of(
            "gke", io.auditbridge.gke.GkeBridge::new,
            "eks", io.auditbridge.eks.EksBridge::new,
            "eks-firehose", io.auditbridge.eks.EksBridge::new,
            "aks", io.auditbridge.aks.AksBridge::new,
            "openshift", io.auditbridge.openshift.OpenShiftBridge::new,
            "detector", io.auditbridge.detector.DetectorCli::new,
            "self-managed", io.auditbridge.detector.DetectorCli::new);

    /** The AUDITBRIDGE_* names the base's long-running subcommand reads, straight from its Picocli model. */
    static Set<String> envNames(String base) {
        String sub = base.equals("detector") || base.equals("self-managed") ? "serve" : "run";
        CommandLine command = new CommandLine(COMMANDS.get(base).get()).getSubcommands().get(sub);
        Set<String> names = new HashSet<>();
        for (var option : command.getCommandSpec().options()) {
            for (String n : option.names()) {
                if (n.startsWith("--")) {
                    names.add(BridgeCli.envName(n));
                }
            }
        }
        return names;
    }

    static List<Rendered> render(String base) {
        List<Rendered> objects = Kustomization.render(K8S.resolve(base));
        for (Rendered r : objects) {
            if (!(r.object() instanceof GenericKubernetesResource)) {
                assertThat(StrictModel.unknownFields(r.object())).as("fields unknown to the Kubernetes API in " + r.file() + " " + r.id()).isEmpty();
            }
        }
        return objects;
    }

    static <T extends HasMetadata> List<T> all(List<Rendered> objects, Class<T> type) {
        return objects.stream().map(Rendered::object).filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T named(List<Rendered> objects, Class<T> type, String name) {
        return all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gke", "eks", "eks-firehose", "aks", "openshift", "detector", "self-managed"})
    void everyWorkloadIsHardenedProbedBoundedAndConfiguredWithRealOptions(String base) {
        List<Rendered> objects = render(base);
        List<Deployment> deployments = all(objects, Deployment.class);
        assertThat(deployments).as(base + " has a Deployment").isNotEmpty();
        for (Deployment d : deployments) {
            String what = base + " Deployment " + d.getMetadata().getName();
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(podLabels).as(what + ": selector matches the pod template").containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
            assertThat(d.getMetadata().getNamespace()).as(what + " namespace").isEqualTo("auditbridge");
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(what + " runAsNonRoot").isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            ServiceAccount sa = named(objects, ServiceAccount.class, pod.getServiceAccountName());
            assertThat(sa.getMetadata().getNamespace()).isEqualTo("auditbridge");

            for (Container c : pod.getContainers()) {
                String cw = what + " container " + c.getName();
                assertThat(c.getImage()).as(cw + " image tagged by the kustomization").matches("auditbridge/[a-z-]+:0\\.1\\.0-SNAPSHOT");
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(cw + " readOnlyRootFilesystem").isTrue();
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(cw + " allowPrivilegeEscalation").isFalse();
                assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(cw + " drops capabilities").containsExactly("ALL");
                assertThat(c.getResources().getRequests()).as(cw + " requests").containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(cw + " limits").containsKey("memory");
                assertProbe(c, c.getLivenessProbe(), "/healthz", cw);
                assertProbe(c, c.getReadinessProbe(), "/readyz", cw);
                assertThat(c.getArgs()).as(cw + " runs a long-running command").isNotEmpty();
                assertThat(c.getArgs().getFirst()).isIn("run", "serve");

                Map<String, Volume> volumes = new HashMap<>();
                pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
                for (VolumeMount m : c.getVolumeMounts()) {
                    assertThat(volumes).as(cw + " mounts a declared volume").containsKey(m.getName());
                    Volume v = volumes.get(m.getName());
                    if (v.getSecret() != null) {
                        assertThat(m.getReadOnly()).as(cw + " mounts secrets read-only").isTrue();
                        assertSecretExists(objects, v.getSecret().getSecretName(), Boolean.TRUE.equals(v.getSecret().getOptional()), cw);
                    }
                }
                assertThat(c.getVolumeMounts()).as(cw + ": writable /tmp on a read-only root")
                        .anyMatch(m -> m.getMountPath().equals("/tmp") && volumes.get(m.getName()).getEmptyDir() != null);

                Map<String, String> env = environment(objects, c);
                Set<String> known = envNames(base);
                env.keySet().stream().filter(n -> n.startsWith("AUDITBRIDGE_")).forEach(n ->
                        assertThat(known).as(cw + ": " + n + " is the variable of a real option").contains(n));
                env.forEach((n, v) -> {
                    if (n.endsWith("_FILE") && n.startsWith("AUDITBRIDGE_")) {
                        assertThat(c.getVolumeMounts()).as(cw + ": " + n + "=" + v + " lies on a mounted volume (root is read-only)")
                                .anyMatch(m -> v.startsWith(m.getMountPath() + "/"));
                    }
                });
                if ("true".equals(env.get("AUDITBRIDGE_LEADER_ELECTION"))) {
                    assertLeaderElectionWiring(objects, d, c, env, cw);
                }
            }
            PodDisruptionBudget pdb = all(objects, PodDisruptionBudget.class).stream()
                    .filter(p -> podLabels.entrySet().containsAll(p.getSpec().getSelector().getMatchLabels().entrySet()))
                    .findFirst().orElseThrow(() -> new AssertionError(what + " has no PodDisruptionBudget"));
            assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isLessThan(d.getSpec().getReplicas());
            NetworkPolicy np = all(objects, NetworkPolicy.class).stream()
                    .filter(p -> podLabels.entrySet().containsAll(p.getSpec().getPodSelector().getMatchLabels().entrySet()))
                    .findFirst().orElseThrow(() -> new AssertionError(what + " has no NetworkPolicy"));
            assertThat(np.getSpec().getPolicyTypes()).contains("Ingress");
            assertThat(np.getSpec().getIngress()).as(what + ": metrics port reachable")
                    .anyMatch(rule -> rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 9090));
        }
    }

    private static void assertProbe(Container c, Probe probe, String path, String what) {
        assertThat(probe).as(what + " probe " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        String port = probe.getHttpGet().getPort().getStrVal();
        ContainerPort declared = c.getPorts().stream().filter(p -> p.getName().equals(port)).findFirst()
                .orElseThrow(() -> new AssertionError(what + ": probe port " + port + " is not a declared container port"));
        assertThat(declared.getContainerPort()).as(what + ": probes hit the ops endpoint (--metrics-port)").isEqualTo(9090);
    }

    private static void assertSecretExists(List<Rendered> objects, String name, boolean optional, String what) {
        boolean shipped = all(objects, Secret.class).stream().anyMatch(s -> s.getMetadata().getName().equals(name));
        boolean issuedByServiceCa = all(objects, Service.class).stream().anyMatch(s -> name.equals(
                s.getMetadata().getAnnotations() == null ? null
                        : s.getMetadata().getAnnotations().get("service.beta.openshift.io/serving-cert-secret-name")));
        boolean createdPerReadme = Kustomization.read(DEPLOY.resolve("README.md"))
                .contains("create secret generic " + name + " ");
        assertThat(shipped || optional || issuedByServiceCa || createdPerReadme)
                .as(what + ": Secret " + name + " is shipped, optional, issued by the service CA, or created by a README command").isTrue();
    }

    /** Literal env plus envFrom ConfigMaps, which must be part of the same rendering. */
    private static Map<String, String> environment(List<Rendered> objects, Container c) {
        Map<String, String> env = new HashMap<>();
        if (c.getEnvFrom() != null) {
            c.getEnvFrom().forEach(from -> env.putAll(Objects.requireNonNullElse(
                    named(objects, ConfigMap.class, from.getConfigMapRef().getName()).getData(), Map.of())));
        }
        for (EnvVar e : c.getEnv()) {
            env.put(e.getName(), e.getValue() != null ? e.getValue() : "<from " + e.getValueFrom() + ">");
        }
        return env;
    }

    /** --leader-election needs a pod identity, and RBAC for exactly its Lease and its checkpoint ConfigMap. */
    private static void assertLeaderElectionWiring(List<Rendered> objects, Deployment d, Container c, Map<String, String> env, String what) {
        assertThat(c.getEnv()).as(what + ": POD_NAME from the downward API")
                .anyMatch(e -> e.getName().equals("POD_NAME") && e.getValueFrom().getFieldRef().getFieldPath().equals("metadata.name"));
        assertThat(d.getSpec().getReplicas()).as(what + ": a standby exists").isGreaterThanOrEqualTo(2);
        assertThat(d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).as(what + ": API token mounted").isTrue();
        String configMap = env.get("AUDITBRIDGE_CHECKPOINT_CONFIGMAP");
        String lease = env.getOrDefault("AUDITBRIDGE_LEASE_NAME", configMap);
        assertThat(configMap).as(what + ": --leader-election needs --checkpoint-configmap").isNotBlank();
        String sa = d.getSpec().getTemplate().getSpec().getServiceAccountName();
        RoleBinding binding = all(objects, RoleBinding.class).stream()
                .filter(b -> b.getSubjects().stream().anyMatch(s -> s.getKind().equals("ServiceAccount") && s.getName().equals(sa)
                        && "auditbridge".equals(s.getNamespace())))
                .findFirst().orElseThrow(() -> new AssertionError(what + ": no RoleBinding for " + sa));
        Role role = named(objects, Role.class, binding.getRoleRef().getName());
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getResources()).as(what + ": Role grants Leases and ConfigMaps only").isSubsetOf("leases", "configmaps");
            assertThat(rule.getVerbs()).as(what + ": never list/watch/delete").isSubsetOf("get", "create", "update", "patch");
            if (!rule.getResourceNames().isEmpty()) {
                assertThat(rule.getResourceNames()).isSubsetOf(lease, configMap);
            } else {
                assertThat(rule.getVerbs()).as(what + ": unnamed rules only create").containsExactly("create");
            }
        }
        assertThat(role.getRules()).as(what + ": may update its Lease").anyMatch(r -> r.getApiGroups().contains("coordination.k8s.io")
                && r.getResourceNames().contains(lease) && r.getVerbs().containsAll(List.of("get", "update")));
        assertThat(role.getRules()).as(what + ": may update its ConfigMap").anyMatch(r -> r.getApiGroups().contains("")
                && r.getResourceNames().contains(configMap) && r.getVerbs().containsAll(List.of("get", "update")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gke", "eks", "aks"})
    void cloudServiceAccountsCarryTheirIdentityBinding(String base) {
        List<Rendered> objects = render(base);
        ServiceAccount sa = named(objects, ServiceAccount.class, "auditbridge-" + base);
        Map<String, String> annotations = sa.getMetadata().getAnnotations();
        switch (base) {
            case "gke" -> assertThat(annotations.get("iam.gke.io/gcp-service-account")).endsWith(".iam.gserviceaccount.com");
            case "eks" -> assertThat(annotations.get("eks.amazonaws.com/role-arn")).startsWith("arn:aws:iam::");
            default -> {
                assertThat(annotations).containsKey("azure.workload.identity/client-id");
                Deployment d = named(objects, Deployment.class, "auditbridge-aks");
                assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("azure.workload.identity/use", "true");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "detector", "eks-firehose"})
    void httpServersHaveAServiceWhosePortsExist(String base) {
        List<Rendered> objects = render(base);
        Service svc = all(objects, Service.class).getFirst();
        Deployment d = all(objects, Deployment.class).getFirst();
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(svc.getSpec().getSelector());
        Set<String> portNames = new HashSet<>();
        d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> c.getPorts().forEach(p -> portNames.add(p.getName())));
        svc.getSpec().getPorts().forEach(p -> assertThat(portNames).contains(p.getTargetPort().getStrVal()));
        for (Ingress ingress : all(objects, Ingress.class)) {
            for (var rule : ingress.getSpec().getRules()) {
                for (var path : rule.getHttp().getPaths()) {
                    var backend = path.getBackend().getService();
                    assertThat(backend.getName()).as("Ingress backend is the Service").isEqualTo(svc.getMetadata().getName());
                    assertThat(svc.getSpec().getPorts()).anyMatch(p -> p.getName().equals(backend.getPort().getName()));
                    assertThat(path.getPath()).as("the Firehose receiver's path").isEqualTo("/firehose");
                }
            }
            assertThat(ingress.getMetadata().getAnnotations()).containsEntry("alb.ingress.kubernetes.io/healthcheck-path", "/readyz");
        }
        if (base.equals("detector")) {
            assertThat(svc.getSpec().getPorts().getFirst().getPort()).isEqualTo(7765);
            assertThat(d.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs()).containsExactly("serve", "--port", "7765");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void openShiftForwarderPointsAtTheReceiverServiceWithItsTokenAndCa() {
        List<Rendered> objects = render("openshift");
        GenericKubernetesResource clf = all(objects, GenericKubernetesResource.class).stream()
                .filter(g -> g.getKind().equals("ClusterLogForwarder")).findFirst().orElseThrow();
        assertThat(clf.getMetadata().getNamespace()).isEqualTo("openshift-logging");
        Map<String, Object> spec = (Map<String, Object>) clf.getAdditionalProperties().get("spec");
        Map<String, Object> output = ((List<Map<String, Object>>) spec.get("outputs")).getFirst();
        assertThat(output.get("type")).isEqualTo("http");
        Map<String, Object> http = (Map<String, Object>) output.get("http");
        URI url = URI.create((String) http.get("url"));
        Service svc = named(objects, Service.class, "auditbridge-openshift");
        assertThat(url.getHost()).isEqualTo(svc.getMetadata().getName() + "." + svc.getMetadata().getNamespace() + ".svc");
        assertThat(url.getPort()).isEqualTo(svc.getSpec().getPorts().getFirst().getPort());
        assertThat(url.getScheme()).isEqualTo("https");
        assertThat(url.getPath()).as("the receiver's default --path").isEqualTo("/openshift/audit");

        Map<String, Object> token = (Map<String, Object>) ((Map<String, Object>) http.get("authentication")).get("token");
        String secretName = (String) ((Map<String, Object>) token.get("secret")).get("name");
        Secret secret = named(objects, Secret.class, secretName);
        assertThat(secret.getMetadata().getNamespace()).as("the token Secret lives beside the forwarder").isEqualTo("openshift-logging");
        assertThat(secret.getStringData()).containsKey((String) ((Map<String, Object>) token.get("secret")).get("key"));

        String collector = (String) ((Map<String, Object>) spec.get("serviceAccount")).get("name");
        assertThat(named(objects, ServiceAccount.class, collector).getMetadata().getNamespace()).isEqualTo("openshift-logging");
        ClusterRoleBinding crb = all(objects, ClusterRoleBinding.class).getFirst();
        assertThat(crb.getRoleRef().getName()).isEqualTo("collect-audit-logs");
        assertThat(crb.getSubjects()).anyMatch(s -> s.getName().equals(collector) && s.getNamespace().equals("openshift-logging"));

        List<Map<String, Object>> pipelines = (List<Map<String, Object>>) spec.get("pipelines");
        List<Map<String, Object>> inputs = (List<Map<String, Object>>) spec.get("inputs");
        assertThat(pipelines.getFirst().get("outputRefs")).isEqualTo(List.of(output.get("name")));
        assertThat(pipelines.getFirst().get("inputRefs")).isEqualTo(List.of(inputs.getFirst().get("name")));
        assertThat(inputs.getFirst().get("type")).isEqualTo("audit");

        GenericKubernetesResource route = all(objects, GenericKubernetesResource.class).stream()
                .filter(g -> g.getKind().equals("Route")).findFirst().orElseThrow();
        Map<String, Object> to = (Map<String, Object>) ((Map<String, Object>) route.getAdditionalProperties().get("spec")).get("to");
        assertThat(to.get("name")).isEqualTo(svc.getMetadata().getName());
        assertThat(route.getMetadata().getNamespace()).isEqualTo("auditbridge");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gke", "eks", "eks-firehose", "aks", "openshift", "detector"})
    void everyImageIsOneTheBuildProducesAndRunsTheCli(String base) {
        for (Deployment d : all(render(base), Deployment.class)) {
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                String name = c.getImage().substring("auditbridge/".length(), c.getImage().indexOf(':'));
                Path module = DEPLOY.resolve("images").resolve(name);
                assertThat(module.resolve("pom.xml")).as(c.getImage() + " is built by deploy/images/" + name).exists();
                assertThat(Kustomization.read(module.resolve("src/main/resources/auditbridge-image.properties")))
                        .contains("image.name=" + name);
                assertThat(c.getCommand()).as("the image's entrypoint (the CLI) is kept; only args are set").isNullOrEmpty();
            }
        }
    }

    @Test
    void everyYamlFileUnderKubernetesIsUsedByAKustomizationOrIsAnApiServerFile() throws Exception {
        Set<Path> used = new HashSet<>();
        for (String base : COMMANDS.keySet()) {
            used.addAll(Kustomization.filesUsed(K8S.resolve(base)));
        }
        Set<Path> apiServerFiles = Set.of(K8S.resolve("self-managed/audit-policy.yaml").normalize(),
                K8S.resolve("self-managed/audit-webhook-kubeconfig.yaml").normalize());
        try (Stream<Path> files = Files.walk(K8S)) {
            files.filter(p -> p.toString().endsWith(".yaml")).map(Path::normalize)
                    .forEach(p -> assertThat(used.contains(p) || apiServerFiles.contains(p)).as(p + " is referenced").isTrue());
        }
    }
}
