package io.auditbridge.deploy;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values table of deploy/README.md, built from values.yaml: every key preceded by a "# -- description"
 * comment becomes a row (key path, default as JSON, description). Maps with their own description are one
 * row; their keys are not listed again.
 */
final class ValuesTable {
    private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z0-9_-]+):(.*)$");

    private ValuesTable() {}

    static String markdown(String valuesYaml) {
        Map<String, Object> values = HelmChart.yamlMap(valuesYaml);
        StringBuilder out = new StringBuilder("| key | default | description |\n|---|---|---|\n");
        List<String> stack = new ArrayList<>();
        String pending = null;
        for (String line : valuesYaml.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("# -- ")) {
                pending = trimmed.substring(5);
                continue;
            }
            Matcher m = KEY.matcher(line);
            if (!m.matches()) {
                if (!trimmed.startsWith("#")) {
                    pending = null;
                }
                continue;
            }
            int depth = m.group(1).length() / 2;
            while (stack.size() > depth) {
                stack.removeLast();
            }
            stack.add(m.group(2));
            String key = String.join(".", stack);
            if (pending != null) {
                out.append("| `").append(key).append("` | `").append(Serialization.asJson(at(values, stack)).replace("|", "\\|"))
                        .append("` | ").append(pending.replace("|", "\\|")).append(" |\n");
            }
            pending = null;
        }
        return out.toString();
    }

    /** Keys that need a row: leaves, and maps documented as a whole count for their keys. */
    static List<String> leafKeys(Map<String, Object> values) {
        List<String> out = new ArrayList<>();
        collect(values, "", out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void collect(Map<String, Object> map, String prefix, List<String> out) {
        map.forEach((k, v) -> {
            String key = prefix + k;
            if (v instanceof Map<?, ?> m && !m.isEmpty() && !isDocumentedWhole(key)) {
                collect((Map<String, Object>) m, key + ".", out);
            } else {
                out.add(key);
            }
        });
    }

    private static boolean isDocumentedWhole(String key) {
        return List.of("resources", "metrics.dashboard.labels").contains(key);
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> values, List<String> path) {
        Object cur = values;
        for (String p : path) {
            cur = cur instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(p) : null;
        }
        return cur;
    }
}
