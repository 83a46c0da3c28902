package io.auditbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.LintResult;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.deploy.HelmChart.Rendered;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart as Helm sees it: lint, schema refusals, releases side by side, dashboard and alert rules, README tables. */
class HelmChartTest {
    static final String NS = ManifestsTest.NAMESPACE;

    static Stream<String> sources() {
        return HelmChart.SOURCES.stream();
    }

    @ParameterizedTest
    @MethodSource("sources")
    void helmLintPassesForEverySourceWithItsExampleValues(String source, @TempDir Path dir) {
        LintResult result = HelmChart.lint(dir, HelmChart.example(source), HelmChart.example("monitoring"));
        assertThat(result.isFailed()).as(source + ": helm lint --strict " + result.getMessages()).isFalse();
        assertThat(result.getMessages()).as("no warnings or errors").noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void helmLintPassesWithTheChartsOwnDefaults(@TempDir Path dir) {
        LintResult result = HelmChart.lint(dir);
        assertThat(result.isFailed()).as("helm lint --strict " + result.getMessages()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("sources")
    void twoReleasesInOneNamespaceShareNoNameAndSelectNoPodOfTheOther(String source) {
        List<Path> files = List.of(HelmChart.example(source), HelmChart.example("monitoring"));
        List<Rendered> a = HelmChart.template("cluster-a", NS, files, Map.of("cluster", "cluster-a"));
        List<Rendered> b = HelmChart.template("cluster-b", NS, files, Map.of("cluster", "cluster-b"));
        Set<String> namesA = names(a);
        Set<String> namesB = names(b);
        assertThat(namesA).as(source + ": every object of release a").isNotEmpty();
        Set<String> common = new HashSet<>(namesA);
        common.retainAll(namesB);
        assertThat(common).as(source + ": names both releases would create (one would overwrite the other's)").isEmpty();

        Deployment da = ManifestsTest.all(a, Deployment.class).getFirst();
        Deployment db = ManifestsTest.all(b, Deployment.class).getFirst();
        assertThat(db.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                .containsAll(da.getSpec().getSelector().getMatchLabels().entrySet()))
                .as("release a's selector does not match release b's pods").isFalse();
        Set<String> stateA = releaseState(da);
        Set<String> stateB = releaseState(db);
        stateA.retainAll(stateB);
        assertThat(stateA).as(source + ": Lease, checkpoint ConfigMap and files are per release").isEmpty();
    }

    @Test
    void everySourceSideBySideInOneNamespaceSharesNoName() {
        Set<String> seen = new HashSet<>();
        for (String source : HelmChart.SOURCES) {
            for (String name : names(HelmChart.template(source, NS, HelmChart.example(source), HelmChart.example("monitoring")))) {
                assertThat(seen.add(name)).as(source + " release: " + name + " already created by another release").isTrue();
            }
        }
    }

    /** Kind/namespace/name of every object; cluster-scoped ones without a namespace. */
    private static Set<String> names(List<Rendered> objects) {
        return objects.stream().map(Rendered::object)
                .map(o -> o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    /** Names the pods write to at run time: Lease, checkpoint ConfigMap, files and claims. */
    private static Set<String> releaseState(Deployment d) {
        Set<String> state = new HashSet<>();
        for (EnvVar e : d.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv()) {
            if (Set.of("AUDITBRIDGE_LEASE_NAME", "AUDITBRIDGE_CHECKPOINT_CONFIGMAP").contains(e.getName())) {
                state.add(e.getName() + "=" + e.getValue());
            }
        }
        d.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null)
                .forEach(v -> state.add("pvc=" + v.getPersistentVolumeClaim().getClaimName()));
        return state;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "replica=3 (misspelt replicas)                | replica               | 3",
            "sink.tokenkey (misspelt tokenKey)            | sink.tokenkey         | x",
            "serviceAccount.annotation (misspelt)         | serviceAccount.annotation.a | b",
            "metrics.serviceMonitor.enable (misspelt)     | metrics.serviceMonitor.enable | true",
            "source not one of the seven                  | source                | gke",
            "replicas below one                           | replicas              | 0",
            "sink URL not http(s)                         | sink.url              | ftp://falco",
            "metrics port out of range                    | metrics.port          | 70000",
            "dead-letter access mode unknown              | deadLetters.persistence.accessModes[0] | ReadWriteSometimes",
            "eks region malformed                         | eks.region            | Ireland",
            "GKE subscription not a subscription path     | gke.subscription      | auditbridge"})
    void valuesSchemaRefusesUnknownKeysAndBadValues(String what, String key, String value) {
        assertThatThrownBy(() -> HelmChart.templateText("r", NS, List.of(HelmChart.example("gke-poller")), Map.of(key, value)))
                .as(what).hasMessageContaining("schema")
                .hasMessageContaining(key.contains(".") ? key.substring(key.lastIndexOf('.') + 1).replaceAll("\\[.*", "") : key);
    }

    @Test
    void everyObjectOfTheSchemaWithDeclaredPropertiesRefusesOthers() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(HelmChart.CHART.resolve("values.schema.json").toFile());
        List<String> open = new ArrayList<>();
        walkSchema(schema, "", open);
        assertThat(open).as("objects with properties but without additionalProperties: false (a misspelt key would pass)").isEmpty();
        Map<String, Object> values = HelmChart.yamlMap(HelmChart.read(HelmChart.CHART.resolve("values.yaml")));
        for (String key : ValuesTable.leafKeys(values)) {
            JsonNode node = schema;
            for (String part : key.split("\\.")) {
                node = node.path("properties").path(part);
            }
            assertThat(node.isMissingNode()).as("values.yaml key " + key + " is declared in values.schema.json").isFalse();
        }
    }

    private static void walkSchema(JsonNode node, String path, List<String> open) {
        if (node.has("properties")) {
            if (!node.path("additionalProperties").isBoolean() || node.path("additionalProperties").asBoolean()) {
                open.add(path.isEmpty() ? "(root)" : path);
            }
            node.path("properties").fields().forEachRemaining(e -> walkSchema(e.getValue(), path + "." + e.getKey(), open));
        }
        if (node.has("items")) {
            walkSchema(node.path("items"), path + "[]", open);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gke-poller  | autoscaling.enabled     | true  | pollers do not scale out",
            "eks-poller  | leaderElection.enabled  | false | needs leaderElection.enabled",
            "eks-poller  | sink.url                |       | sink.url",
            "aks         | aks.eventhubNamespace   |       | aks.eventhubNamespace",
            "gke-pubsub  | gke.subscription        |       | gke.subscription",
            "openshift   | receiver.tokenKey       |       | receiver.tokenKey",
            "detector    | receiver.tokenKey       |       | receiver.allowUnauthenticated=true"})
    void contradictoryOrMissingSettingsFailTheInstallWithOneLineNamingTheValue(String source, String key, String value, String message) {
        assertThatThrownBy(() -> HelmChart.templateText("r", NS, List.of(HelmChart.example(source)), Map.of(key, value == null ? "" : value)))
                .hasMessageContaining(message);
    }

    @Test
    void serviceMonitorAndPrometheusRuleWatchLagDeadLettersSinkErrorsAndReadiness() {
        List<Rendered> objects = HelmChart.template("gke", NS, HelmChart.example("gke-poller"), HelmChart.example("monitoring"));
        ServiceMonitor sm = ManifestsTest.all(objects, ServiceMonitor.class).getFirst();
        assertThat(StrictModel.unknownFields(sm)).isEmpty();
        assertThat(sm.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        var metricsService = ManifestsTest.named(objects, io.fabric8.kubernetes.api.model.Service.class, "gke-auditbridge-metrics");
        assertThat(metricsService.getMetadata().getLabels()).containsAllEntriesOf(sm.getSpec().getSelector().getMatchLabels());
        assertThat(sm.getSpec().getEndpoints().getFirst().getPort()).isEqualTo(metricsService.getSpec().getPorts().getFirst().getName());

        PrometheusRule rule = ManifestsTest.all(objects, PrometheusRule.class).getFirst();
        assertThat(StrictModel.unknownFields(rule)).isEmpty();
        Map<String, String> alerts = rule.getSpec().getGroups().getFirst().getRules().stream()
                .collect(Collectors.toMap(r -> r.getAlert(), r -> r.getExpr().getStrVal()));
        assertThat(alerts.keySet()).contains("AuditbridgeLagHigh", "AuditbridgeDeadLetters", "AuditbridgeSinkErrors", "AuditbridgeNotReady");
        assertThat(alerts.get("AuditbridgeLagHigh")).contains("auditbridge_lag_seconds").contains("job=\"gke-auditbridge-metrics\"");
        assertThat(alerts.get("AuditbridgeSinkErrors")).contains("auditbridge_sink_errors_total");
        assertThat(alerts.get("AuditbridgeNotReady")).contains("pod=~\"gke-auditbridge-[a-z0-9]+-[a-z0-9]+\"");
        Set<String> exposed = exposedMetricNames();
        for (String expr : alerts.values()) {
            metricNames(expr).forEach(m -> assertThat(exposed).as("alert metric " + m + " is one the bridges expose").contains(m));
        }
        assertThat(ManifestsTest.all(HelmChart.template("gke", NS, HelmChart.example("gke-poller")), ServiceMonitor.class))
                .as("behind metrics.serviceMonitor.enabled").isEmpty();
    }

    @Test
    void grafanaDashboardShipsAsASidecarConfigMapOverTheMetricsTheBridgesExpose() throws IOException {
        List<Rendered> objects = HelmChart.template("gke", NS, HelmChart.example("gke-poller"), HelmChart.example("monitoring"));
        ConfigMap cm = ManifestsTest.named(objects, ConfigMap.class, "gke-auditbridge-dashboard");
        assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        JsonNode dashboard = new ObjectMapper().readTree(cm.getData().get("auditbridge.json"));
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        List<String> exprs = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
        String all = String.join("\n", exprs);
        assertThat(all).contains("auditbridge_events_in_total", "auditbridge_events_out_total", "auditbridge_lag_seconds",
                "auditbridge_delivery_retries_total", "auditbridge_events_dead_lettered_total", "auditbridge_sink_latency_seconds",
                "auditbridge_sink_errors_total");
        assertThat(exprs).as("every panel per source").allMatch(e -> e.contains("by (source") && e.contains("source=~\"$source\""));
        Set<String> exposed = exposedMetricNames();
        metricNames(all).forEach(m -> assertThat(exposed).as("dashboard metric " + m + " is one the bridges expose").contains(m));
        Set<String> variables = new HashSet<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).contains("datasource", "namespace", "source");
    }

    private static final Pattern METRIC = Pattern.compile("\\bauditbridge_[a-z_]+");

    private static Set<String> metricNames(String expr) {
        Set<String> out = new HashSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /**
     * Metric names as Prometheus sees them: the core pipeline's meters registered on a Prometheus registry and
     * scraped, plus gauges registered by name in bridge-core's code (in-flight counts).
     */
    private static Set<String> exposedMetricNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PipelineMetrics metrics = new PipelineMetrics(registry, "gke");
        metrics.eventsIn(1);
        metrics.eventsOut(1);
        metrics.retry();
        metrics.deadLettered("rejected", 1);
        metrics.sinkLatency(Duration.ofMillis(5));
        metrics.lag(Duration.ofSeconds(1));
        metrics.batchFailed("failed");
        metrics.sinkError("503");
        metrics.recordError("bad");
        metrics.skipped("other", 1);
        Set<String> names = metricNames(registry.scrape());
        try (Stream<Path> files = Files.walk(HelmChart.DEPLOY.resolve("../bridge-core/src/main/java"))) {
            Pattern gauge = Pattern.compile("gauge\\(\"(auditbridge\\.[a-z._]+)\"");
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                gauge.matcher(HelmChart.read(f)).results().forEach(r -> names.add(r.group(1).replace('.', '_')));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return names;
    }

    @Test
    void readmeValuesTableIsTheOneGeneratedFromValuesYaml() throws IOException {
        Path readme = HelmChart.DEPLOY.resolve("README.md");
        String text = HelmChart.read(readme);
        String begin = "<!-- values-table:begin (generated from helm/auditbridge/values.yaml by HelmChartTest; -Dauditbridge.writeReadme=true rewrites it) -->\n";
        String end = "<!-- values-table:end -->";
        String table = ValuesTable.markdown(HelmChart.read(HelmChart.CHART.resolve("values.yaml")));
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (Boolean.getBoolean("auditbridge.writeReadme") && from >= 0 && to > from) {
            text = text.substring(0, from + begin.length()) + table + text.substring(to);
            Files.writeString(readme, text);
            to = text.indexOf(end);
        }
        assertThat(from).as("README has the values table markers").isGreaterThanOrEqualTo(0);
        assertThat(text.substring(from + begin.length(), to)).as("deploy/README.md values table (regenerate with -Dauditbridge.writeReadme=true)")
                .isEqualTo(table);
        Map<String, Object> values = HelmChart.yamlMap(HelmChart.read(HelmChart.CHART.resolve("values.yaml")));
        for (String key : ValuesTable.leafKeys(values)) {
            assertThat(table).as("every value is documented: " + key).contains("`" + key + "`");
        }
    }

    @Test
    void theExampleValuesAreTheOnesTheReadmeInstalls() {
        String readme = HelmChart.read(HelmChart.DEPLOY.resolve("README.md"));
        for (String source : HelmChart.SOURCES) {
            assertThat(readme).as("README installs " + source + " with its example").contains("-f deploy/helm/examples/" + source + ".yaml");
        }
        assertThat(readme).contains("helm upgrade --install").contains("--set cluster=\"$name\"");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFleetApplicationSetInstallsThisChartOnEveryClusterWithItsNameAsCluster() {
        String readme = HelmChart.read(HelmChart.DEPLOY.resolve("README.md"));
        int start = readme.indexOf("```yaml\napiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet");
        assertThat(start).as("README has the ApplicationSet").isGreaterThanOrEqualTo(0);
        String yaml = readme.substring(start + "```yaml\n".length(), readme.indexOf("```", start + 7));
        Map<String, Object> appSet = HelmChart.yamlMap(yaml);
        Map<String, Object> spec = (Map<String, Object>) appSet.get("spec");
        List<Map<String, Object>> generators = (List<Map<String, Object>>) spec.get("generators");
        assertThat(generators).as("Argo CD's cluster generator").anySatisfy(g -> assertThat(g).containsKey("clusters"));
        Map<String, Object> app = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
        Map<String, Object> source = (Map<String, Object>) app.get("source");
        Path chart = HelmChart.DEPLOY.getParent().resolve((String) source.get("path")).normalize();
        assertThat(chart).as("source.path is the chart").isEqualTo(HelmChart.CHART.toAbsolutePath().normalize());
        Map<String, Object> helm = (Map<String, Object>) source.get("helm");
        for (String valueFile : (List<String>) helm.get("valueFiles")) {
            assertThat(valueFile).contains("{{index .metadata.labels \"auditbridge/source\"}}.yaml");
            for (String label : HelmChart.SOURCES) {
                Path file = chart.resolve(valueFile.replace("{{index .metadata.labels \"auditbridge/source\"}}", label)).normalize();
                assertThat(file).as(valueFile + " for a cluster labelled auditbridge/source=" + label).isEqualTo(HelmChart.example(label).toAbsolutePath().normalize());
            }
        }
        List<Map<String, Object>> parameters = (List<Map<String, Object>>) helm.get("parameters");
        assertThat(parameters).as("the cluster's Argo CD name becomes the chart's cluster value")
                .anySatisfy(p -> assertThat(p).containsEntry("name", "cluster").containsEntry("value", "{{.name}}"));
        assertThat(HelmChart.yamlMap(HelmChart.read(HelmChart.CHART.resolve("values.yaml")))).containsKey("cluster");
        Map<String, Object> destination = (Map<String, Object>) app.get("destination");
        assertThat(destination).containsEntry("server", "{{.server}}");
    }

    static List<HasMetadata> objects(List<Rendered> rendered) {
        return rendered.stream().map(Rendered::object).toList();
    }
}
