package io.auditbridge.detector.fields;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Every field a {@code k8s_audit} rule can name: the k8saudit plugin's {@code ka.*} fields and the json
 * plugin's {@code jevt.*} / {@code json.*} fields, with the plugin's extraction semantics
 * (../shared/notes/detector.md §2).
 */
public final class FieldRegistry {
    private static final String[] CONTAINER_LISTS = {"containers", "initContainers", "ephemeralContainers"};

    /** How a base field name turns into a Field once its index (or null) is known. */
    private interface Definition {
        Field resolve(String name, String index);
    }

    private final Map<String, Definition> definitions = new LinkedHashMap<>();

    private static final FieldRegistry INSTANCE = new FieldRegistry();

    public static FieldRegistry standard() {
        return INSTANCE;
    }

    private FieldRegistry() {
        scalar("ka.auditid", List.of("auditID"), e -> Json.scalar(e, "auditID"));
        scalar("ka.stage", List.of("stage"), e -> Json.scalar(e, "stage"));
        annotation("ka.auth.decision", "authorization.k8s.io/decision");
        annotation("ka.auth.reason", "authorization.k8s.io/reason");
        annotation("ka.auth.openshift.decision", "authentication.openshift.io/decision");
        annotation("ka.auth.openshift.username", "authentication.openshift.io/username");
        annotation("ka.validations.admission.policy.failure", "validation.policy.admission.k8s.io/validation_failure");
        annotation("ka.security.pod.violations", "pod-security.kubernetes.io/audit-violations");
        annotation("ka.cluster.name", Event.ANNOTATION_CLUSTER_NAME);
        scalar("ka.user.name", List.of("user.username"), e -> Json.scalar(e, "user", "username"));
        list("ka.user.groups", List.of("user.groups"), e -> Json.texts(Json.at(e, "user", "groups")));
        scalar("ka.impuser.name", List.of("impersonatedUser.username"), e -> Json.scalar(e, "impersonatedUser", "username"));
        scalar("ka.verb", List.of("verb"), e -> Json.scalar(e, "verb"));
        scalar("ka.uri", List.of("requestURI"), e -> Json.scalar(e, "requestURI"));
        definitions.put("ka.uri.param", (name, index) -> {
            requireIndex(name, index, "a query parameter name, e.g. ka.uri.param[command]");
            return new Field(name, false, false, true, List.of("requestURI.query"),
                    (e, t) -> FieldValue.of(queryParam(Json.text(Json.at(e, "requestURI")), index)));
        });
        scalar("ka.target.name", List.of("objectRef.name"), e -> Json.scalar(e, "objectRef", "name"));
        scalar("ka.target.namespace", List.of("objectRef.namespace"), e -> Json.scalar(e, "objectRef", "namespace"));
        scalar("ka.target.resource", List.of("objectRef.resource"), e -> Json.scalar(e, "objectRef", "resource"));
        scalar("ka.target.subresource", List.of("objectRef.subresource"), e -> Json.scalar(e, "objectRef", "subresource"));
        scalar("ka.target.pod.name", List.of("objectRef", "responseObject.metadata.name"), e ->
                "pods".equals(Json.text(Json.at(e, "objectRef", "resource"))) && Json.at(e, "objectRef", "subresource") == null
                        ? Json.scalar(e, "responseObject", "metadata", "name") : FieldValue.NA);
        scalar("ka.resp.name", List.of("responseObject.metadata.name"), e -> Json.scalar(e, "responseObject", "metadata", "name"));
        scalar("ka.response.code", List.of("responseStatus.code"), e -> Json.scalar(e, "responseStatus", "code"));
        scalar("ka.response.reason", List.of("responseStatus.reason"), e -> Json.scalar(e, "responseStatus", "reason"));
        scalar("ka.useragent", List.of("userAgent"), e -> Json.scalar(e, "userAgent"));
        list("ka.sourceips", List.of("sourceIPs"), e -> Json.texts(Json.at(e, "sourceIPs")));

        List<String> req = List.of("requestObject");
        scalar("ka.req.binding.role", req, e -> Json.scalar(e, "requestObject", "roleRef", "name"));
        list("ka.req.binding.subjects", req, e -> Json.texts(subjects(e)));
        list("ka.req.binding.subjects.user_names", req, e -> subjectNames(e, "User", false));
        list("ka.req.binding.subjects.group_names", req, e -> subjectNames(e, "Group", false));
        list("ka.req.binding.subjects.serviceaccount_names", req, e -> subjectNames(e, "ServiceAccount", false));
        list("ka.req.binding.subjects.serviceaccount_ns_names", req, e -> subjectNames(e, "ServiceAccount", true));
        definitions.put("ka.req.binding.subject.has_name", (name, index) -> {
            requireIndex(name, index, "a subject name");
            return new Field(name, false, false, true, req, (e, t) -> {
                JsonNode s = subjects(e);
                if (s == null) {
                    return FieldValue.NA;
                }
                List<String> names = Json.each(s, x -> Json.text(x.get("name")));
                return FieldValue.of(String.valueOf(names.contains(index)));
            });
        });
        scalar("ka.req.configmap.name", List.of("objectRef.name"), e -> Json.scalar(e, "objectRef", "name"));
        scalar("ka.req.configmap.obj", req, e -> Json.scalar(e, "requestObject", "data"));
        scalar("ka.req.pod.host_network", req, e -> Json.scalar(e, "requestObject", "spec", "hostNetwork"));
        scalar("ka.req.pod.host_pid", req, e -> Json.scalar(e, "requestObject", "spec", "hostPID"));
        scalar("ka.req.pod.host_ipc", req, e -> Json.scalar(e, "requestObject", "spec", "hostIPC"));
        scalar("ka.req.container.host_network", req, e -> Json.scalar(e, "requestObject", "spec", "hostNetwork"));
        scalar("ka.req.pod.run_as_user", req, e -> Json.scalar(e, "requestObject", "spec", "securityContext", "runAsUser"));
        scalar("ka.req.pod.run_as_group", req, e -> Json.scalar(e, "requestObject", "spec", "securityContext", "runAsGroup"));
        scalar("ka.req.pod.fs_group", req, e -> Json.scalar(e, "requestObject", "spec", "securityContext", "fsGroup"));
        list("ka.req.pod.supplemental_groups", req,
                e -> Json.texts(Json.at(e, "requestObject", "spec", "securityContext", "supplementalGroups")));
        list("ka.req.pod.volumes.hostpath", req, e -> Json.each(volumes(e), v -> Json.text(Json.at(v, "hostPath", "path"))));
        list("ka.req.pod.volumes.flexvolume_driver", req, e -> Json.each(volumes(e), v -> Json.text(Json.at(v, "flexVolume", "driver"))));
        list("ka.req.pod.volumes.volume_type", req, e -> Json.each(volumes(e), FieldRegistry::volumeType));
        definitions.put("ka.req.volume.hostpath", (name, index) -> {
            requireIndex(name, index, "a host path");
            return new Field(name, false, false, true, req, (e, t) -> {
                List<String> paths = Json.each(volumes(e), v -> Json.text(Json.at(v, "hostPath", "path")));
                return paths == null ? FieldValue.NA : FieldValue.of(String.valueOf(paths.contains(index)));
            });
        });
        for (String c : CONTAINER_LISTS) {
            containerFields(c);
        }
        scalar("ka.req.container.image", req, e -> {
            List<String> images = Json.each(containers(e, "containers"), x -> Json.text(x.get("image")));
            return images == null || images.isEmpty() ? FieldValue.NA : FieldValue.of(images.get(0));
        });
        scalar("ka.req.container.image.repository", req, e -> {
            List<String> images = Json.each(containers(e, "containers"), x -> Json.text(x.get("image")));
            return images == null || images.isEmpty() ? FieldValue.NA : FieldValue.of(repository(images.get(0)));
        });
        scalar("ka.req.container.privileged", req, e -> {
            List<String> p = Json.each(containers(e, "containers"), x -> Json.text(Json.at(x, "securityContext", "privileged")));
            return p == null ? FieldValue.NA : FieldValue.of(String.valueOf(p.contains("true")));
        });
        list("ka.req.role.rules", req, e -> Json.texts(Json.at(e, "requestObject", "rules")));
        for (String key : new String[] {"verbs", "resources", "apiGroups", "nonResourceURLs"}) {
            list("ka.req.role.rules." + key, req, e -> flatten(Json.at(e, "requestObject", "rules"), key));
        }
        scalar("ka.req.service.type", req, e -> Json.scalar(e, "requestObject", "spec", "type"));
        list("ka.req.service.ports", req, e -> Json.texts(Json.at(e, "requestObject", "spec", "ports")));

        for (String plugin : new String[] {"jevt", "json"}) {
            definitions.put(plugin + ".value", (name, index) -> {
                requireIndex(name, index, "a JSON pointer, e.g. " + plugin + ".value[/stage]");
                JsonPointer ptr;
                try {
                    ptr = JsonPointer.compile(index);
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(name + ": not a JSON pointer: " + ex.getMessage());
                }
                String read = index.substring(1).replace('/', '.');
                return new Field(name, false, false, false, List.of(read), (e, t) -> {
                    JsonNode n = e.at(ptr);
                    return n.isMissingNode() || n.isNull() ? FieldValue.NA : FieldValue.of(Json.text(n));
                });
            });
            plain(plugin + ".obj", false, List.of(), (e, t) -> FieldValue.of(Json.text(e)));
            plain(plugin + ".rawtime", true, List.of(), (e, t) -> FieldValue.of(Long.toString(t.epochNanos())));
            plain(plugin + ".time", false, List.of(), (e, t) -> FieldValue.of(EventTimes.clock(t.epochNanos())));
            plain(plugin + ".time.iso8601", false, List.of(), (e, t) -> FieldValue.of(EventTimes.iso(t.epochNanos())));
        }
    }

    /**
     * Resolves {@code base} with its bracketed {@code index} (null when none).
     *
     * @throws IllegalArgumentException naming the field when it is unknown or its index is not allowed
     */
    public Field resolve(String base, String index) {
        Definition d = definitions.get(base);
        if (d == null) {
            throw new IllegalArgumentException("unknown field '" + base + "'");
        }
        return d.resolve(index == null ? base : base + "[" + index + "]", index);
    }

    private void containerFields(String c) {
        List<String> req = List.of("requestObject");
        String p = "ka.req.pod." + c + ".";
        indexedList(p + "image", req, e -> images(e, c, false));
        indexedList(p + "image.repository", req, e -> images(e, c, true));
        indexedList(p + "privileged", req, e -> eachContainer(e, c, x -> Json.text(Json.at(x, "securityContext", "privileged"))));
        indexedList(p + "allow_privilege_escalation", req,
                e -> eachContainer(e, c, x -> Json.text(Json.at(x, "securityContext", "allowPrivilegeEscalation"))));
        indexedList(p + "read_only_fs", req,
                e -> eachContainer(e, c, x -> Json.text(Json.at(x, "securityContext", "readOnlyRootFilesystem"))));
        indexedList(p + "run_as_user", req, e -> eachContainer(e, c, x -> Json.text(Json.at(x, "securityContext", "runAsUser"))));
        indexedList(p + "run_as_group", req, e -> eachContainer(e, c, x -> Json.text(Json.at(x, "securityContext", "runAsGroup"))));
        indexedList(p + "eff_run_as_user", req, e -> effective(e, c, "runAsUser"));
        indexedList(p + "eff_run_as_group", req, e -> effective(e, c, "runAsGroup"));
        indexedList(p + "proc_mount", req, e -> eachContainer(e, c, x -> Json.text(Json.at(x, "securityContext", "procMount"))));
        indexedList(p + "command", req, e -> eachContainer(e, c, x -> joined(x.get("command"))));
        indexedList(p + "args", req, e -> eachContainer(e, c, x -> joined(x.get("args"))));
        indexedList(p + "add_capabilities", req, e -> {
            List<String> out = new ArrayList<>();
            JsonNode list = containers(e, c);
            if (list == null) {
                return null;
            }
            for (JsonNode x : list) {
                List<String> caps = Json.texts(Json.at(x, "securityContext", "capabilities", "add"));
                if (caps != null) {
                    out.addAll(caps);
                }
            }
            return out;
        });
        indexedList(p + "host_port", req, e -> {
            JsonNode list = containers(e, c);
            if (list == null) {
                return null;
            }
            List<String> out = new ArrayList<>();
            for (JsonNode x : list) {
                List<String> ports = Json.each(x.get("ports"), port -> {
                    String host = Json.text(port.get("hostPort"));
                    return host != null ? host : Json.text(port.get("containerPort"));
                });
                if (ports != null) {
                    out.addAll(ports);
                }
            }
            return out;
        });
    }

    private void scalar(String name, List<String> reads, Function<JsonNode, FieldValue> f) {
        definitions.put(name, (n, index) -> {
            forbidIndex(n, index);
            return new Field(n, false, false, true, reads, (e, t) -> f.apply(e));
        });
    }

    private void annotation(String name, String key) {
        scalar(name, List.of("annotations"), e -> Json.scalar(e, "annotations", key));
    }

    private void list(String name, List<String> reads, Function<JsonNode, List<String>> f) {
        definitions.put(name, (n, index) -> {
            forbidIndex(n, index);
            return new Field(n, true, false, true, reads, (e, t) -> FieldValue.ofList(f.apply(e)));
        });
    }

    /** A list field that also takes {@code [N]}: the N-th value, as a scalar. */
    private void indexedList(String name, List<String> reads, Function<JsonNode, List<String>> f) {
        definitions.put(name, (n, index) -> {
            if (index == null) {
                return new Field(n, true, false, true, reads, (e, t) -> FieldValue.ofList(f.apply(e)));
            }
            int i;
            try {
                i = Integer.parseInt(index);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(n + ": the index must be a number");
            }
            return new Field(n, false, false, true, reads, (e, t) -> {
                List<String> all = f.apply(e);
                return all == null || i < 0 || i >= all.size() ? FieldValue.NA : FieldValue.of(all.get(i));
            });
        });
    }

    private void plain(String name, boolean numeric, List<String> reads, BiFunction<JsonNode, Field.EventTime, FieldValue> f) {
        definitions.put(name, (n, index) -> {
            forbidIndex(n, index);
            return new Field(n, false, numeric, false, reads, f);
        });
    }

    private static void forbidIndex(String name, String index) {
        if (index != null) {
            throw new IllegalArgumentException("field '" + name + "' takes no index");
        }
    }

    private static void requireIndex(String name, String index, String what) {
        if (index == null || index.isEmpty()) {
            throw new IllegalArgumentException("field '" + name + "' needs an index: " + what);
        }
    }

    private static JsonNode containers(JsonNode e, String list) {
        return Json.at(e, "requestObject", "spec", list);
    }

    private static JsonNode volumes(JsonNode e) {
        return Json.at(e, "requestObject", "spec", "volumes");
    }

    private static JsonNode subjects(JsonNode e) {
        return Json.at(e, "requestObject", "subjects");
    }

    private static List<String> eachContainer(JsonNode e, String list, Function<JsonNode, String> f) {
        return Json.each(containers(e, list), f);
    }

    /** Images (or their repositories); like the plugin, a container without an image makes the field unavailable. */
    private static List<String> images(JsonNode e, String list, boolean repository) {
        JsonNode cs = containers(e, list);
        if (cs == null || !cs.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>(cs.size());
        for (JsonNode x : cs) {
            String image = Json.text(x.get("image"));
            if (image == null) {
                return null;
            }
            out.add(repository ? repository(image) : image);
        }
        return out;
    }

    /** The plugin's repository: the text before the first ':' and then before '@' ({@code registry:5000/x} → {@code registry}). */
    static String repository(String image) {
        int colon = image.indexOf(':');
        String r = colon >= 0 ? image.substring(0, colon) : image;
        int at = r.indexOf('@');
        return at >= 0 ? r.substring(0, at) : r;
    }

    private static List<String> effective(JsonNode e, String list, String key) {
        String pod = Json.text(Json.at(e, "requestObject", "spec", "securityContext", key));
        return eachContainer(e, list, x -> {
            String own = Json.text(Json.at(x, "securityContext", key));
            return own != null ? own : pod != null ? pod : "0";
        });
    }

    private static String joined(JsonNode array) {
        List<String> parts = Json.texts(array);
        return parts == null ? null : String.join(" ", parts);
    }

    private static List<String> subjectNames(JsonNode e, String kind, boolean withNamespace) {
        return Json.each(subjects(e), s -> {
            if (!kind.equals(Json.text(s.get("kind")))) {
                return null;
            }
            String name = Json.text(s.get("name"));
            if (name == null || !withNamespace) {
                return name;
            }
            String ns = Json.text(s.get("namespace"));
            return (ns == null ? "" : ns) + ":" + name;
        });
    }

    private static String volumeType(JsonNode volume) {
        var names = volume.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!n.equals("name")) {
                return n;
            }
        }
        return null;
    }

    private static List<String> flatten(JsonNode rules, String key) {
        if (rules == null || !rules.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode r : rules) {
            List<String> v = Json.texts(r.get(key));
            if (v != null) {
                out.addAll(v);
            }
        }
        return out;
    }

    /** First value of a query parameter, decoded as Go's url.ParseQuery does; null when absent. */
    static String queryParam(String uri, String key) {
        if (uri == null) {
            return null;
        }
        int q = uri.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String pair : uri.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(k)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }
}
