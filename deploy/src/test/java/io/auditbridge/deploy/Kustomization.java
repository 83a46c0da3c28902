package io.auditbridge.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kubectl apply -k} would for the subset of Kustomize these bases
 * use ({@code resources} files and directories, {@code namespace}, {@code images}); any other field fails,
 * so a base never relies on a feature this renderer does not check. No kustomize binary is needed.
 */
final class Kustomization {
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "namespace", "resources", "images");
    /** Kinds from outside the Kubernetes core API that fabric8's core model does not type. */
    static final Set<String> UNTYPED_ALLOWED = Set.of("route.openshift.io/v1/Route",
            "observability.openshift.io/v1/ClusterLogForwarder");

    /** One rendered object and the file it came from. */
    record Rendered(HasMetadata object, Path file) {
        String id() {
            return object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
        }
    }

    private Kustomization() {}

    static List<Rendered> render(Path dir) {
        return render(dir, new HashSet<>());
    }

    /** Every YAML file a kustomization under {@code dir} pulls in. */
    static Set<Path> filesUsed(Path dir) {
        Set<Path> out = new HashSet<>();
        render(dir, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Rendered> render(Path dir, Set<Path> used) {
        Path file = dir.resolve("kustomization.yaml");
        Map<String, Object> k = Serialization.unmarshal(read(file), Map.class);
        if (!"Kustomization".equals(k.get("kind")) || !"kustomize.config.k8s.io/v1beta1".equals(k.get("apiVersion"))) {
            throw new AssertionError(file + ": not a kustomize.config.k8s.io/v1beta1 Kustomization");
        }
        for (String key : k.keySet()) {
            if (!SUPPORTED.contains(key)) {
                throw new AssertionError(file + ": field '" + key + "' is not rendered by this check; supported: " + SUPPORTED);
            }
        }
        used.add(file.normalize());
        Map<String, Rendered> out = new LinkedHashMap<>();
        for (String r : (List<String>) k.getOrDefault("resources", List.of())) {
            Path p = dir.resolve(r).normalize();
            List<Rendered> part;
            if (Files.isDirectory(p)) {
                part = render(p, used);
            } else {
                used.add(p);
                part = loadAll(p);
            }
            for (Rendered x : part) {
                out.putIfAbsent(x.object().getKind() + "/" + x.object().getMetadata().getName() + "/" + x.file(), x);
            }
        }
        List<Rendered> rendered = new ArrayList<>(out.values());
        String namespace = (String) k.get("namespace");
        if (namespace != null) {
            for (Rendered x : rendered) {
                setNamespace(x.object(), namespace);
            }
        }
        for (Map<String, Object> image : (List<Map<String, Object>>) k.getOrDefault("images", List.of())) {
            for (Rendered x : rendered) {
                retag(x.object(), (String) image.get("name"), (String) image.get("newName"), (String) image.get("newTag"));
            }
        }
        Set<String> ids = new HashSet<>();
        for (Rendered x : rendered) {
            if (!ids.add(x.id())) {
                throw new AssertionError(dir + ": " + x.id() + " is defined twice");
            }
        }
        return rendered;
    }

    /** Every document of a YAML file as a typed Kubernetes object. */
    static List<Rendered> loadAll(Path file) {
        List<Rendered> out = new ArrayList<>();
        for (String doc : documents(read(file))) {
            KubernetesResource r;
            try {
                r = Serialization.unmarshal(doc);
            } catch (RuntimeException e) {
                throw new AssertionError(file + ": not a Kubernetes object: " + e.getMessage(), e);
            }
            if (!(r instanceof HasMetadata h) || h.getMetadata() == null || h.getMetadata().getName() == null) {
                throw new AssertionError(file + ": document without metadata.name: " + doc.lines().findFirst().orElse(""));
            }
            if (h instanceof GenericKubernetesResource && !UNTYPED_ALLOWED.contains(h.getApiVersion() + "/" + h.getKind())) {
                throw new AssertionError(file + ": " + h.getApiVersion() + " " + h.getKind() + " is not a known Kubernetes type (typo in apiVersion or kind?)");
            }
            out.add(new Rendered(h, file));
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

    private static void setNamespace(HasMetadata h, String namespace) {
        if (h instanceof Namespaced || isNamespacedGeneric(h)) {
            h.getMetadata().setNamespace(namespace);
        }
        if (h instanceof RoleBinding rb) {
            rb.getSubjects().stream().filter(s -> "ServiceAccount".equals(s.getKind()) && s.getNamespace() == null)
                    .forEach(s -> s.setNamespace(namespace));
        }
    }

    private static boolean isNamespacedGeneric(HasMetadata h) {
        // Route and ClusterLogForwarder are namespaced.
        return h instanceof GenericKubernetesResource;
    }

    private static void retag(HasMetadata h, String name, String newName, String newTag) {
        if (h instanceof Deployment d) {
            PodSpec spec = d.getSpec().getTemplate().getSpec();
            spec.getContainers().forEach(c -> {
                String image = c.getImage();
                String bare = image.contains("@") ? image.substring(0, image.indexOf('@'))
                        : image.lastIndexOf(':') > image.lastIndexOf('/') ? image.substring(0, image.lastIndexOf(':')) : image;
                if (bare.equals(name)) {
                    c.setImage((newName != null ? newName : name) + (newTag != null ? ":" + newTag : ""));
                }
            });
        }
    }
}
