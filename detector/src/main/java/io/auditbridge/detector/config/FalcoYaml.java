package io.auditbridge.detector.config;

import io.auditbridge.detector.engine.AppendOutput;
import io.auditbridge.detector.engine.RuleMatching;
import io.auditbridge.detector.output.FailurePolicy;
import io.auditbridge.detector.rules.Priority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads the falco.yaml keys the detector mirrors into {@link DetectorSettings}: {@code rules_files}
 * ({@code rules_file}), {@code rule_matching}, {@code priority}, {@code append_output}, {@code stdout_output},
 * {@code file_output}, {@code http_output}, {@code program_output}, {@code watch_config_files}, {@code json_output}.
 * Each output section also takes {@code on_failure: block|drop} and {@code retries: N} (not Falco keys).
 * {@code ${VAR}} is replaced by the environment variable, as Falco does. Other Falco keys are logged as ignored,
 * so one falco.yaml can serve both.
 */
public final class FalcoYaml {
    private static final Logger log = LoggerFactory.getLogger(FalcoYaml.class);
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private FalcoYaml() {}

    /** @throws IllegalArgumentException naming the key that is wrong */
    public static void apply(Path file, DetectorSettings s) {
        apply(file, s, System::getenv);
    }

    static void apply(Path file, DetectorSettings s, Function<String, String> env) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getClass().getSimpleName());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": invalid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null) {
            return;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(file + ": a configuration file is a YAML mapping");
        }
        Map<?, ?> m = (Map<?, ?>) expand(map, env);
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            try {
                switch (key) {
                    case "rules_files", "rules_file" -> s.rules = strings(v);
                    case "rule_matching" -> s.matching = RuleMatching.parse(String.valueOf(v));
                    case "priority" -> s.minPriority = Priority.parse(String.valueOf(v));
                    case "append_output" -> s.appendOutput = appendOutput(v);
                    case "watch_config_files" -> s.watchRules = bool(v);
                    case "json_output" -> {
                        if (!bool(v)) {
                            log.info("{}: json_output: false ignored, alerts are always Falco's JSON", file);
                        }
                    }
                    case "stdout_output", "file_output", "http_output", "program_output" -> output(key, v, s);
                    default -> log.info("{}: '{}' is not used by the detector (ignored)", file, key);
                }
            } catch (IllegalArgumentException | ClassCastException ex) {
                throw new IllegalArgumentException(file + ": " + key + ": " + ex.getMessage());
            }
        }
    }

    private static void output(String key, Object v, DetectorSettings s) {
        Map<?, ?> o = map(v);
        if (!bool(o.containsKey("enabled") ? o.get("enabled") : Boolean.FALSE)) {
            return;
        }
        String target = switch (key) {
            case "stdout_output" -> "stdout";
            case "file_output" -> "file:" + required(o, "filename");
            case "http_output" -> required(o, "url");
            default -> "program:" + required(o, "program");
        };
        FailurePolicy policy = o.containsKey("on_failure") ? FailurePolicy.parse(String.valueOf(o.get("on_failure"))) : FailurePolicy.BLOCK;
        int retries = o.containsKey("retries") ? Integer.parseInt(String.valueOf(o.get("retries"))) : OutputSpec.DEFAULT_RETRIES;
        boolean keepAlive = key.equals("program_output") && o.containsKey("keep_alive") && bool(o.get("keep_alive"));
        s.outputs.add(new OutputSpec(target, policy, retries, keepAlive));
    }

    private static List<AppendOutput> appendOutput(Object v) {
        List<AppendOutput> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        for (Object item : (List<?>) v) {
            Map<?, ?> entry = map(item);
            Map<?, ?> match = entry.get("match") == null ? Map.of() : map(entry.get("match"));
            for (Object k : match.keySet()) {
                if (!Set.of("source", "tag", "rule").contains(String.valueOf(k))) {
                    throw new IllegalArgumentException("match: unknown key '" + k + "' (source, tag, rule)");
                }
            }
            Object extraFields = entry.get("extra_fields");
            List<Object> fields = new ArrayList<>();
            if (extraFields != null) {
                for (Object f : (List<?>) extraFields) {
                    fields.add(f instanceof Map<?, ?> fm ? Map.of(String.valueOf(fm.keySet().iterator().next()),
                            String.valueOf(fm.values().iterator().next())) : String.valueOf(f));
                }
            }
            out.add(new AppendOutput(text(match.get("source")), text(match.get("tag")), text(match.get("rule")),
                    text(entry.get("extra_output")), fields));
        }
        return out;
    }

    private static Object expand(Object v, Function<String, String> env) {
        if (v instanceof String str) {
            Matcher m = ENV.matcher(str);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String value = env.apply(m.group(1));
                m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? "" : value));
            }
            return m.appendTail(sb).toString();
        }
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, x) -> out.put(k, expand(x, env)));
            return out;
        }
        if (v instanceof List<?> list) {
            return list.stream().map(x -> expand(x, env)).toList();
        }
        return v;
    }

    private static String required(Map<?, ?> o, String key) {
        Object v = o.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            throw new IllegalArgumentException("'" + key + "' is required when enabled");
        }
        return String.valueOf(v);
    }

    private static Map<?, ?> map(Object v) {
        if (v instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException("expected a mapping");
    }

    private static List<String> strings(Object v) {
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return v == null ? List.of() : List.of(String.valueOf(v));
    }

    private static boolean bool(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        String t = String.valueOf(v).trim();
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("expected true or false, not '" + t + "'");
    }

    private static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }
}
