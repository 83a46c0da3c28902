package io.auditbridge.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The chart under deploy/helm/auditbridge, rendered by real Helm (helm-java: Helm 3's Go code as a native
 * library, no binary, no cluster) and loaded with fabric8's typed model.
 */
final class HelmChart {
    static final Path DEPLOY = Path.of(System.getProperty("auditbridge.deploy.dir", "."));
    static final Path CHART = DEPLOY.resolve("helm/auditbridge");
    static final Path EXAMPLES = DEPLOY.resolve("helm/examples");
    static final List<String> SOURCES = List.of("gke-poller", "gke-pubsub", "eks-poller", "eks-firehose", "aks", "openshift", "detector");
    /** Kinds outside fabric8's typed models (OpenShift Logging 6's forwarder). */
    static final Set<String> UNTYPED_ALLOWED = Set.of("observability.openshift.io/v1/ClusterLogForwarder");

    /** One rendered object and the template it came from. */
    record Rendered(HasMetadata object, String template) {
        String id() {
            return object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
        }
    }

    private HelmChart() {}

    static Path example(String name) {
        return EXAMPLES.resolve(name + ".yaml");
    }

    /** helm template RELEASE CHART -n NAMESPACE -f FILE… --set K=V…, every document typed. */
    static List<Rendered> template(String release, String namespace, List<Path> valuesFiles, Map<String, Object> sets) {
        return load(templateText(release, namespace, valuesFiles, sets));
    }

    static List<Rendered> template(String release, String namespace, Path... valuesFiles) {
        return template(release, namespace, List.of(valuesFiles), Map.of());
    }

    static String templateText(String release, String namespace, List<Path> valuesFiles, Map<String, Object> sets) {
        TemplateCommand command = new Helm(CHART).template().withName(release).withNamespace(namespace);
        valuesFiles.forEach(command::withValuesFile);
        sets.forEach(command::set);
        return command.call();
    }

    /** helm lint of a copy of the chart whose values.yaml is the chart's merged with {@code overrides} (lint takes no -f). */
    static LintResult lint(Path workDir, Path... overrides) {
        try {
            Path copy = workDir.resolve("auditbridge");
            try (Stream<Path> files = Files.walk(CHART)) {
                for (Path p : files.toList()) {
                    Path target = copy.resolve(CHART.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                }
            }
            Map<String, Object> values = yamlMap(read(CHART.resolve("values.yaml")));
            for (Path o : overrides) {
                merge(values, yamlMap(read(o)));
            }
            Files.writeString(copy.resolve("values.yaml"), Serialization.asYaml(values));
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yamlMap(String yaml) {
        Map<String, Object> m = Serialization.unmarshal(yaml, Map.class);
        return m == null ? new LinkedHashMap<>() : new LinkedHashMap<>(m);
    }

    /** Helm's coalescing for values files: maps merge key by key, anything else replaces. */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> into, Map<String, Object> from) {
        from.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m && into.get(k) instanceof Map<?, ?> existing) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) existing);
                merge(copy, (Map<String, Object>) m);
                into.put(k, copy);
            } else {
                into.put(k, v);
            }
        });
    }

    static List<Rendered> load(String stream) {
        List<Rendered> out = new ArrayList<>();
        for (String doc : documents(stream)) {
            String template = doc.lines().filter(l -> l.startsWith("# Source: ")).findFirst()
                    .map(l -> l.substring("# Source: ".length())).orElse("?");
            KubernetesResource r;
            try {
                r = Serialization.unmarshal(doc);
            } catch (RuntimeException e) {
                throw new AssertionError(template + ": not a Kubernetes object: " + e.getMessage() + "\n" + doc, e);
            }
            if (!(r instanceof HasMetadata h) || h.getMetadata() == null || h.getMetadata().getName() == null) {
                throw new AssertionError(template + ": document without metadata.name:\n" + doc);
            }
            if (h instanceof GenericKubernetesResource && !UNTYPED_ALLOWED.contains(h.getApiVersion() + "/" + h.getKind())) {
                throw new AssertionError(template + ": " + h.getApiVersion() + " " + h.getKind() + " is not a known Kubernetes type (typo in apiVersion or kind?)");
            }
            out.add(new Rendered(h, template));
        }
        return out;
    }

    /** Splits a YAML stream on document markers, dropping empty documents. */
    static List<String> documents(String yaml) {
        List<String> docs = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : yaml.split("\n", -1)) {
            if (line.equals("---") || line.startsWith("--- ")) {
                docs.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(line).append('\n');
            }
        }
        docs.add(cur.toString());
        docs.removeIf(d -> d.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#")));
        return docs;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
