package io.auditbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.deploy.HelmChart.Rendered;
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
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.Route;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The chart rendered by real Helm for every source and set of example values, each object loaded with
 * fabric8's typed model (unknown fields fail) and checked against our rules: hardening, probes, RBAC scope,
 * every AUDITBRIDGE_* variable a real option of the command the pod runs, Secrets and volumes wired.
 */
class ManifestsTest {
    static final String NAMESPACE = "auditbridge";

    /** The command each source runs: its options (mixins included) are what the chart may set. */
    static final Map<String, Supplier<Object>> COMMANDS = Map.of(
            "gke-poller", io.auditbridge.gke.GkeBridge::new,
            "gke-pubsub", io.auditbridge.gke.GkeBridge::new,
            "eks-poller", io.auditbridge.eks.EksBridge::new,
            "eks-firehose", io.auditbridge.eks.EksBridge::new,
            "aks", io.auditbridge.aks.AksBridge::new,
            "openshift", io.auditbridge.openshift.OpenShiftBridge::new,
            "detector", io.auditbridge.detector.DetectorCli::new);

    /**
     * Variables of options settled in the developers' guide ("shared decisions") whose code is being written
     * on other branches: accepted while the command does not have them yet, checked like the others once it does.
     */
    static final Map<String, Set<String>> ANNOUNCED = Map.of(
            "AUDITBRIDGE_DEAD_LETTER_LOG", Set.of("gke-poller", "gke-pubsub", "eks-poller", "eks-firehose", "aks", "openshift"),
            "AUDITBRIDGE_SOURCE", Set.of("gke-pubsub"),
            "AUDITBRIDGE_SUBSCRIPTION", Set.of("gke-pubsub"));

    /** The AUDITBRIDGE_* names the source's long-running subcommand reads, straight from its Picocli model. */
    static Set<String> envNames(String source) {
        String sub = source.equals("detector") ? "serve" : "run";
        CommandLine command = new CommandLine(COMMANDS.get(source).get()).getSubcommands().get(sub);
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

    /** Every source with its example values, alone and with the monitoring/dead-letter-PVC layer; bridges also embedded. */
    static Stream<Arguments> renderings() {
        List<Arguments> out = new ArrayList<>();
        for (String source : HelmChart.SOURCES) {
            out.add(Arguments.of(source, List.of(source)));
            out.add(Arguments.of(source, List.of(source, "monitoring")));
            if (!source.equals("detector")) {
                out.add(Arguments.of(source, List.of(source, "embedded")));
            }
        }
        out.add(Arguments.of("detector", List.of("self-managed")));
        return out.stream();
    }

    static List<Rendered> render(List<String> examples) {
        return render("auditbridge", examples);
    }

    static List<Rendered> render(String release, List<String> examples) {
        List<Rendered> objects = HelmChart.template(release, NAMESPACE, examples.stream().map(HelmChart::example).toList(), Map.of());
        for (Rendered r : objects) {
            if (!(r.object() instanceof GenericKubernetesResource)) {
                assertThat(StrictModel.unknownFields(r.object())).as("fields unknown to the Kubernetes API in " + r.template() + " " + r.id()).isEmpty();
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

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("renderings")
    void everyWorkloadIsHardenedProbedBoundedAndConfiguredWithRealOptions(String source, List<String> examples) {
        List<Rendered> objects = render(examples);
        Map<String, Object> values = values(examples);
        List<Deployment> deployments = all(objects, Deployment.class);
        assertThat(deployments).as(source + " has one Deployment").hasSize(1);
        Deployment d = deployments.getFirst();
        String what = examples + " Deployment " + d.getMetadata().getName();
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).as(what + ": selector matches the pod template").containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        assertThat(d.getSpec().getSelector().getMatchLabels()).as(what + ": the selector names the release")
                .containsEntry("app.kubernetes.io/instance", "auditbridge");
        for (Rendered r : objects) {
            if (!r.object().getKind().equals("ClusterRoleBinding") && !r.object().getKind().equals("ClusterLogForwarder")
                    && !r.template().contains("openshift-forwarder")) {
                assertThat(r.object().getMetadata().getNamespace()).as(r.id() + " in the release namespace").isEqualTo(NAMESPACE);
            }
        }
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(what + " runAsNonRoot").isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        if (source.equals("openshift")) {
            assertThat(pod.getSecurityContext().getRunAsUser()).as("restricted-v2 SCC assigns the user").isNull();
        } else {
            assertThat(pod.getSecurityContext().getRunAsUser()).as("the images' user").isEqualTo(65532L);
        }
        ServiceAccount sa = named(objects, ServiceAccount.class, pod.getServiceAccountName());
        assertThat(sa.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(pod.getAutomountServiceAccountToken()).as(what + ": only pollers get an API token")
                .isEqualTo(source.endsWith("-poller"));
        assertThat(pod.getEnableServiceLinks()).as(what + ": no Service-link variables (AUDITBRIDGE_PORT=tcp://… would be read as configuration)")
                .isFalse();

        Container c = pod.getContainers().getFirst();
        assertThat(pod.getContainers()).hasSize(1);
        String cw = what + " container " + c.getName();
        String image = source.equals("detector") ? "detector" : "bridge-" + source.replaceAll("-(poller|pubsub|firehose)$", "");
        assertThat(c.getImage()).as(cw + " image built by deploy/images, tagged with the build's version (the chart's appVersion)")
                .isEqualTo("auditbridge/" + image + ":" + System.getProperty("auditbridge.version", "0.1.0-SNAPSHOT"));
        assertThat(HelmChart.DEPLOY.resolve("images").resolve(image).resolve("pom.xml")).exists();
        assertThat(c.getCommand()).as("the image's entrypoint (the CLI) is kept; only args are set").isNullOrEmpty();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(cw + " readOnlyRootFilesystem").isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(cw + " allowPrivilegeEscalation").isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(cw + " drops capabilities").containsExactly("ALL");
        assertThat(c.getResources().getRequests()).as(cw + " requests").containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).as(cw + " limits").containsKey("memory");
        assertProbe(c, c.getLivenessProbe(), "/healthz", cw);
        assertProbe(c, c.getReadinessProbe(), "/readyz", cw);
        assertThat(c.getArgs().getFirst()).as(cw + " runs the long-running command").isEqualTo(source.equals("detector") ? "serve" : "run");

        Map<String, Volume> volumes = new HashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        for (VolumeMount m : c.getVolumeMounts()) {
            assertThat(volumes).as(cw + " mounts a declared volume").containsKey(m.getName());
            Volume v = volumes.get(m.getName());
            if (v.getSecret() != null) {
                assertThat(m.getReadOnly()).as(cw + " mounts secrets read-only").isTrue();
                assertSecretExists(objects, values, v.getSecret().getSecretName(), cw);
            }
            if (v.getPersistentVolumeClaim() != null) {
                assertThat(all(objects, io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class))
                        .anyMatch(p -> p.getMetadata().getName().equals(v.getPersistentVolumeClaim().getClaimName()));
            }
            if (v.getConfigMap() != null && !v.getConfigMap().getName().equals(((Map<?, ?>) ((Map<?, ?>) values.get("detector")).get("rules")).get("existingConfigMap"))) {
                named(objects, io.fabric8.kubernetes.api.model.ConfigMap.class, v.getConfigMap().getName());
            }
        }
        assertThat(c.getVolumeMounts()).as(cw + ": writable /tmp on a read-only root")
                .anyMatch(m -> m.getMountPath().equals("/tmp") && volumes.get(m.getName()).getEmptyDir() != null);

        Map<String, String> env = new HashMap<>();
        for (EnvVar e : c.getEnv()) {
            assertThat(env.put(e.getName(), e.getValue() != null ? e.getValue() : "<from " + e.getValueFrom() + ">"))
                    .as(cw + ": " + e.getName() + " set once").isNull();
        }
        Set<String> known = envNames(source);
        env.keySet().stream().filter(n -> n.startsWith("AUDITBRIDGE_")).forEach(n -> {
            boolean announced = ANNOUNCED.getOrDefault(n, Set.of()).contains(source);
            assertThat(known.contains(n) || announced).as(cw + ": " + n + " is the variable of a real option").isTrue();
        });
        env.forEach((n, v) -> {
            if (n.startsWith("AUDITBRIDGE_") && (n.endsWith("_FILE") || n.equals("AUDITBRIDGE_RULES"))) {
                for (String file : v.split(",")) {
                    if (file.equals(io.auditbridge.detector.rules.RulesSources.BUNDLED)) {
                        continue; // the image's own rules, read from the jar
                    }
                    assertThat(c.getVolumeMounts()).as(cw + ": " + n + "=" + file + " lies on a mounted volume (root is read-only)")
                            .anyMatch(m -> file.equals(m.getMountPath()) || file.startsWith(m.getMountPath() + "/"));
                }
            }
        });
        assertParsesAsTheCliParsesIt(source, c, cw);
        assertThat(env.get("JAVA_TOOL_OPTIONS")).as(cw + ": an OutOfMemoryError ends the pod (Kubernetes restarts it) instead of leaving it half alive")
                .contains("-XX:+ExitOnOutOfMemoryError");
        if (!source.equals("detector")) {
            assertThat(env).as(cw + ": dead letters go to the log by default").containsEntry("AUDITBRIDGE_DEAD_LETTER_LOG", "true");
        }
        if (source.endsWith("-poller")) {
            assertThat(env).containsEntry("AUDITBRIDGE_LEADER_ELECTION", "true");
            assertLeaderElectionWiring(objects, d, c, env, cw);
        } else {
            assertThat(all(objects, Role.class)).as(what + ": no API rights for a non-poller").isEmpty();
        }
        assertThat(all(objects, HorizontalPodAutoscaler.class)).as(what + ": HPA targets the Deployment")
                .allMatch(h -> h.getSpec().getScaleTargetRef().getName().equals(d.getMetadata().getName()));
        if (!all(objects, HorizontalPodAutoscaler.class).isEmpty()) {
            assertThat(source).as("HPA only for receivers and the Pub/Sub subscriber").isIn("gke-pubsub", "eks-firehose", "openshift", "detector");
            assertThat(d.getSpec().getReplicas()).as("the HPA owns replicas").isNull();
        }
        PodDisruptionBudget pdb = all(objects, PodDisruptionBudget.class).stream()
                .filter(p -> podLabels.entrySet().containsAll(p.getSpec().getSelector().getMatchLabels().entrySet()))
                .findFirst().orElseThrow(() -> new AssertionError(what + " has no PodDisruptionBudget"));
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).as("a drain can always proceed").isGreaterThanOrEqualTo(1);
        NetworkPolicy np = all(objects, NetworkPolicy.class).stream()
                .filter(p -> podLabels.entrySet().containsAll(p.getSpec().getPodSelector().getMatchLabels().entrySet()))
                .findFirst().orElseThrow(() -> new AssertionError(what + " has no NetworkPolicy"));
        assertThat(np.getSpec().getPolicyTypes()).contains("Ingress");
        Set<Integer> containerPorts = new HashSet<>();
        c.getPorts().forEach(p -> containerPorts.add(p.getContainerPort()));
        np.getSpec().getIngress().forEach(rule -> rule.getPorts().forEach(p ->
                assertThat(containerPorts).as(what + ": NetworkPolicy opens only declared ports").contains(p.getPort().getIntVal())));
        assertThat(np.getSpec().getIngress()).as(what + ": metrics port reachable")
                .anyMatch(rule -> rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 9090));
    }

    /**
     * The container's args and literal AUDITBRIDGE_* values through the command's own Picocli model and
     * converters (durations, numbers, enums, URLs), with the environment provider the CLI uses: what the
     * pod would refuse at start with exit 2 fails here. Nothing is run.
     */
    private static void assertParsesAsTheCliParsesIt(String source, Container c, String what) {
        Map<String, String> literal = new HashMap<>();
        c.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> literal.put(e.getName(), e.getValue()));
        CommandLine cl = new CommandLine(COMMANDS.get(source).get());
        cl.setDefaultValueProvider(new BridgeCli.EnvDefaults(literal));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        try {
            cl.parseArgs(c.getArgs().toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(what + ": the CLI refuses the chart's settings: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> values(List<String> examples) {
        Map<String, Object> values = HelmChart.yamlMap(HelmChart.read(HelmChart.CHART.resolve("values.yaml")));
        examples.forEach(e -> HelmChart.merge(values, HelmChart.yamlMap(HelmChart.read(HelmChart.example(e)))));
        return values;
    }

    private static void assertProbe(Container c, Probe probe, String path, String what) {
        assertThat(probe).as(what + " probe " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        String port = probe.getHttpGet().getPort().getStrVal();
        ContainerPort declared = c.getPorts().stream().filter(p -> p.getName().equals(port)).findFirst()
                .orElseThrow(() -> new AssertionError(what + ": probe port " + port + " is not a declared container port"));
        assertThat(declared.getContainerPort()).as(what + ": probes hit the ops endpoint (--metrics-port)").isEqualTo(9090);
    }

    /** A mounted Secret is the chart's own, the one named by existingSecret, or issued by the service CA. */
    private static void assertSecretExists(List<Rendered> objects, Map<String, Object> values, String name, String what) {
        boolean shipped = all(objects, Secret.class).stream().anyMatch(s -> s.getMetadata().getName().equals(name));
        boolean existing = name.equals(values.get("existingSecret"));
        boolean issuedByServiceCa = all(objects, Service.class).stream().anyMatch(s -> name.equals(
                s.getMetadata().getAnnotations() == null ? null
                        : s.getMetadata().getAnnotations().get("service.beta.openshift.io/serving-cert-secret-name")));
        assertThat(shipped || existing || issuedByServiceCa)
                .as(what + ": Secret " + name + " is shipped, named by existingSecret, or issued by the service CA").isTrue();
    }

    /** --leader-election needs a pod identity, and RBAC for exactly its Lease and its checkpoint ConfigMap. */
    private static void assertLeaderElectionWiring(List<Rendered> objects, Deployment d, Container c, Map<String, String> env, String what) {
        assertThat(c.getEnv()).as(what + ": POD_NAME from the downward API")
                .anyMatch(e -> e.getName().equals("POD_NAME") && e.getValueFrom().getFieldRef().getFieldPath().equals("metadata.name"));
        assertThat(d.getSpec().getReplicas()).as(what + ": a standby exists").isGreaterThanOrEqualTo(2);
        assertThat(d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).as(what + ": API token mounted").isTrue();
        String configMap = env.get("AUDITBRIDGE_CHECKPOINT_CONFIGMAP");
        String lease = env.get("AUDITBRIDGE_LEASE_NAME");
        assertThat(configMap).as(what + ": checkpoint ConfigMap named after the release").isEqualTo(d.getMetadata().getName() + "-checkpoint");
        assertThat(lease).as(what + ": Lease named after the release").isEqualTo(d.getMetadata().getName());
        String sa = d.getSpec().getTemplate().getSpec().getServiceAccountName();
        RoleBinding binding = all(objects, RoleBinding.class).stream()
                .filter(b -> b.getSubjects().stream().anyMatch(s -> s.getKind().equals("ServiceAccount") && s.getName().equals(sa)
                        && NAMESPACE.equals(s.getNamespace())))
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
    @ValueSource(strings = {"gke-poller", "eks-poller", "aks"})
    void cloudServiceAccountsCarryTheirIdentityBinding(String source) {
        List<Rendered> objects = render(List.of(source));
        Deployment d = all(objects, Deployment.class).getFirst();
        ServiceAccount sa = named(objects, ServiceAccount.class, d.getSpec().getTemplate().getSpec().getServiceAccountName());
        Map<String, String> annotations = sa.getMetadata().getAnnotations();
        switch (source) {
            case "gke-poller" -> assertThat(annotations.get("iam.gke.io/gcp-service-account")).endsWith(".iam.gserviceaccount.com");
            case "eks-poller" -> assertThat(annotations.get("eks.amazonaws.com/role-arn")).startsWith("arn:aws:iam::");
            default -> {
                assertThat(annotations).containsKey("azure.workload.identity/client-id");
                assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("azure.workload.identity/use", "true");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "detector", "eks-firehose"})
    void httpServersHaveAServiceWhosePortsExist(String source) {
        List<Rendered> objects = render(List.of(source, "monitoring"));
        Deployment d = all(objects, Deployment.class).getFirst();
        Set<String> portNames = new HashSet<>();
        d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> c.getPorts().forEach(p -> portNames.add(p.getName())));
        List<Service> services = all(objects, Service.class);
        assertThat(services).hasSize(2);
        for (Service svc : services) {
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(svc.getSpec().getSelector());
            svc.getSpec().getPorts().forEach(p -> assertThat(portNames).contains(p.getTargetPort().getStrVal()));
        }
        Service svc = named(objects, Service.class, d.getMetadata().getName());
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
        if (source.equals("eks-firehose")) {
            assertThat(all(objects, Ingress.class)).hasSize(1);
        }
        if (source.equals("detector")) {
            assertThat(svc.getSpec().getPorts().getFirst().getPort()).isEqualTo(7765);
            assertThat(d.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs()).containsExactly("serve", "--listen-port", "7765");
        }
    }

    /**
     * The detector gets its callers' token file by default; without a token key it starts only with the explicit
     * opt-out, which the chart sets only when asked to (the CLI refuses an unauthenticated start otherwise).
     */
    @Test
    void theDetectorIsGivenATokenFileOrTheExplicitUnauthenticatedOptOut() {
        Container byDefault = all(render(List.of("detector")), Deployment.class).getFirst().getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        assertThat(byDefault.getEnv()).anyMatch(e -> e.getName().equals("AUDITBRIDGE_AUTH_TOKEN_FILE")
                && e.getValue().equals("/var/run/secrets/auditbridge/receiver-token"));
        assertThat(byDefault.getEnv()).noneMatch(e -> e.getName().equals("AUDITBRIDGE_ALLOW_UNAUTHENTICATED"));

        List<Rendered> open = HelmChart.template("auditbridge", NAMESPACE, List.of(HelmChart.example("detector")),
                Map.of("receiver.tokenKey", "", "receiver.allowUnauthenticated", "true"));
        Container unauthenticated = all(open, Deployment.class).getFirst().getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(unauthenticated.getEnv()).anyMatch(e -> e.getName().equals("AUDITBRIDGE_ALLOW_UNAUTHENTICATED") && e.getValue().equals("true"));
        assertThat(unauthenticated.getEnv()).noneMatch(e -> e.getName().equals("AUDITBRIDGE_AUTH_TOKEN_FILE"));
        assertThat(envNames("detector")).contains("AUDITBRIDGE_ALLOW_UNAUTHENTICATED", "AUDITBRIDGE_AUTH_TOKEN_FILE");
    }

    @Test
    @SuppressWarnings("unchecked")
    void openShiftForwarderPointsAtTheReceiverServiceWithItsTokenAndCa() {
        List<Rendered> objects = render(List.of("openshift"));
        GenericKubernetesResource clf = all(objects, GenericKubernetesResource.class).stream()
                .filter(g -> g.getKind().equals("ClusterLogForwarder")).findFirst().orElseThrow();
        assertThat(clf.getMetadata().getNamespace()).isEqualTo("openshift-logging");
        Map<String, Object> spec = (Map<String, Object>) clf.getAdditionalProperties().get("spec");
        Map<String, Object> output = ((List<Map<String, Object>>) spec.get("outputs")).getFirst();
        assertThat(output.get("type")).isEqualTo("http");
        Map<String, Object> http = (Map<String, Object>) output.get("http");
        URI url = URI.create((String) http.get("url"));
        Deployment d = all(objects, Deployment.class).getFirst();
        Service svc = named(objects, Service.class, d.getMetadata().getName());
        assertThat(url.getHost()).isEqualTo(svc.getMetadata().getName() + "." + svc.getMetadata().getNamespace() + ".svc");
        assertThat(url.getPort()).isEqualTo(svc.getSpec().getPorts().getFirst().getPort());
        assertThat(url.getScheme()).isEqualTo("https");
        assertThat(url.getPath()).as("the receiver's default --path").isEqualTo("/openshift/audit");
        assertThat(svc.getMetadata().getAnnotations().get("service.beta.openshift.io/serving-cert-secret-name"))
                .isEqualTo(d.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals("tls"))
                        .findFirst().orElseThrow().getSecret().getSecretName());

        Map<String, Object> token = (Map<String, Object>) ((Map<String, Object>) http.get("authentication")).get("token");
        assertThat(((Map<String, Object>) token.get("secret")).get("name")).as("the forwarder's Secret, named in the values")
                .isEqualTo("auditbridge-receiver");

        String collector = (String) ((Map<String, Object>) spec.get("serviceAccount")).get("name");
        assertThat(named(objects, ServiceAccount.class, collector).getMetadata().getNamespace()).isEqualTo("openshift-logging");
        ClusterRoleBinding crb = all(objects, ClusterRoleBinding.class).getFirst();
        assertThat(crb.getMetadata().getName()).as("cluster-scoped: the name carries the namespace").startsWith(NAMESPACE + "-");
        assertThat(crb.getRoleRef().getName()).isEqualTo("collect-audit-logs");
        assertThat(crb.getSubjects()).anyMatch(s -> s.getName().equals(collector) && s.getNamespace().equals("openshift-logging"));

        List<Map<String, Object>> pipelines = (List<Map<String, Object>>) spec.get("pipelines");
        List<Map<String, Object>> inputs = (List<Map<String, Object>>) spec.get("inputs");
        assertThat(pipelines.getFirst().get("outputRefs")).isEqualTo(List.of(output.get("name")));
        assertThat(pipelines.getFirst().get("inputRefs")).isEqualTo(List.of(inputs.getFirst().get("name")));
        assertThat(inputs.getFirst().get("type")).isEqualTo("audit");

        Route route = all(objects, Route.class).getFirst();
        assertThat(route.getSpec().getTo().getName()).isEqualTo(svc.getMetadata().getName());
        assertThat(route.getSpec().getTls().getTermination()).isEqualTo("passthrough");
    }

    @Test
    void theForwarderSecretIsCreatedFromTheReceiverTokenWhenNoneIsNamed() {
        List<Rendered> objects = HelmChart.template("ocp", NAMESPACE, List.of(HelmChart.example("openshift")),
                Map.of("existingSecret", "", "openshift.forwarder.existingSecret", "", "secrets.receiverToken", "t0ken", "secrets.sinkToken", "s1nk"));
        Secret receiver = named(objects, Secret.class, "ocp-auditbridge");
        Secret forwarder = named(objects, Secret.class, "ocp-auditbridge-forwarder");
        assertThat(forwarder.getMetadata().getNamespace()).isEqualTo("openshift-logging");
        assertThat(forwarder.getData().get("token")).as("one token on both ends").isEqualTo(receiver.getData().get("receiver-token"));
        assertThat(receiver.getData()).containsKeys("receiver-token", "sink-token");
    }

    @Test
    void detectorRulesAreLayeredOnTheBundledOnesInOrder() {
        List<Rendered> objects = render(List.of("detector"));
        Deployment d = all(objects, Deployment.class).getFirst();
        Container c = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
        String rules = c.getEnv().stream().filter(e -> e.getName().equals("AUDITBRIDGE_RULES")).findFirst().orElseThrow().getValue();
        assertThat(rules.split(",")).as("the image's bundled rules and correlations first, then the custom directory (append/override)")
                .containsExactly("bundled", "/etc/auditbridge/rules/custom");
        assertThat(io.auditbridge.detector.rules.RulesSources.of(List.of(rules.split(","))).entries()).first().isEqualTo(io.auditbridge.detector.rules.RulesSources.BUNDLED);
        var custom = named(objects, io.fabric8.kubernetes.api.model.ConfigMap.class, "auditbridge-rules");
        assertThat(custom.getData().get("rules.yaml")).contains("rule: Exec By Untrusted User");
        assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("AUDITBRIDGE_ALERTS") && e.getValue().equals("http://falcosidekick.falco.svc:2801"));

        List<Rendered> withCorrelations = HelmChart.template("det", NAMESPACE, List.of(HelmChart.example("detector")),
                Map.of("detector.rules.correlations", "- correlation: Team burst"));
        assertThat(named(withCorrelations, io.fabric8.kubernetes.api.model.ConfigMap.class, "det-auditbridge-rules").getData())
                .as("correlation rules are a *.correlations.yaml file beside the rules file")
                .containsKeys("rules.yaml", "custom.correlations.yaml");

        List<Rendered> plain = render(List.of("self-managed"));
        Container pc = all(plain, Deployment.class).getFirst().getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(pc.getEnv()).as("no custom rules: the image's bundled rules, no ConfigMap").noneMatch(e -> e.getName().equals("AUDITBRIDGE_RULES"));
    }

    @Test
    void embeddedBridgesEvaluateWithTheLayeredRulesAndSendAlertsToFalcosidekick() {
        List<Rendered> objects = render(List.of("eks-poller", "embedded"));
        Container c = all(objects, Deployment.class).getFirst().getSpec().getTemplate().getSpec().getContainers().getFirst();
        Map<String, String> env = new HashMap<>();
        c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        assertThat(env).containsEntry("AUDITBRIDGE_SINK", "embedded").doesNotContainKey("AUDITBRIDGE_SINK_TOKEN_FILE");
        assertThat(env.get("AUDITBRIDGE_SINK_OPTION")).isEqualTo("rules=bundled:/etc/auditbridge/rules/custom,alerts=http://falcosidekick.falco.svc:2801");
    }

    @Test
    void theSelfManagedExampleGivesTheDetectorServiceItsFixedAddress() {
        List<Rendered> objects = render(List.of("self-managed"));
        Service svc = all(objects, Service.class).getFirst();
        assertThat(svc.getSpec().getClusterIP()).isEqualTo("10.96.0.77");
        assertThat(svc.getSpec().getPorts().getFirst().getPort()).isEqualTo(7765);
    }

    static Path examplesDir() {
        return HelmChart.EXAMPLES;
    }
}
