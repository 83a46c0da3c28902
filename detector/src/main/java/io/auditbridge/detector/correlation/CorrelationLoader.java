package io.auditbridge.detector.correlation;

import io.auditbridge.detector.condition.ConditionSyntaxException;
import io.auditbridge.detector.condition.FieldTable;
import io.auditbridge.detector.engine.CompiledRule;
import io.auditbridge.detector.rules.Location;
import io.auditbridge.detector.rules.Priority;
import io.auditbridge.detector.rules.RuleSet;
import io.auditbridge.detector.rules.RulesException;
import io.auditbridge.detector.rules.RulesYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads correlation files ({@code *.correlations.yaml}: a YAML list of {@code - correlation:} items, kept out of the
 * files Falco loads because Falco does not know the item) and compiles them against the loaded k8s_audit rules,
 * whose macros and lists their conditions may use. Every problem is a {@link RulesException} naming file and line.
 *
 * <pre>
 * - correlation: Secrets read across namespaces
 *   type: value_count            # event_count | value_count | temporal | temporal_ordered
 *   rules: [K8s Secret Read]     # base events: k8s_audit rules by name (enabled or not) ...
 *   condition: ka.verb=get and ka.target.resource=secrets   # ... or a condition; temporal types: a list, one a step
 *   group_by: [ka.user.name]
 *   field: ka.target.namespace   # value_count only
 *   timespan: 10m                # s, m, h, d
 *   threshold: {gte: 5}          # gte | gt | lte | lt | eq; count types only
 *   output: "%ka.user.name read secrets in %correlation.count namespaces (%correlation.values)"
 *   priority: WARNING
 *   tags: [k8s, mitre_credential_access, T1552.007]
 *   enabled: true
 * </pre>
 * An item with only {@code correlation} and {@code enabled} turns an earlier-loaded correlation on or off.
 */
public final class CorrelationLoader {
    /** Files with this ending hold correlations; everything else is a Falco rules file. */
    public static final String FILE_SUFFIX = ".correlations.yaml";
    /** At most this many events a rising count threshold may ask for: each group keeps that many timestamps. */
    static final int MAX_NEEDED = 10_000;

    private static final Set<String> KEYS = Set.of("correlation", "desc", "type", "rules", "condition", "group_by",
            "field", "timespan", "threshold", "output", "priority", "tags", "enabled");
    private static final Pattern TIMESPAN = Pattern.compile("([1-9][0-9]*)([smhd])");

    private final Map<String, Definition> definitions = new LinkedHashMap<>();

    private record Definition(String name, String desc, CorrelationType type, List<String> rules,
                              List<String> conditions, Location conditionLocation, List<String> groupBy, String field, long timespanNanos,
                              Threshold threshold, String output, Location outputLocation, Priority priority,
                              List<String> tags, boolean enabled, Location location, Map<String, Location> keyLines) {
        Definition enabled(boolean on) {
            return new Definition(name, desc, type, rules, conditions, conditionLocation, groupBy, field, timespanNanos,
                    threshold, output, outputLocation, priority, tags, on, location, keyLines);
        }

        /** Where {@code key}'s value stands, or the item's start. */
        Location at(String key) {
            return keyLines.getOrDefault(key, location);
        }
    }

    public static boolean isCorrelationFile(String fileName) {
        return fileName.endsWith(FILE_SUFFIX);
    }

    public CorrelationLoader load(Path file) {
        return load(file.toString(), RulesYaml.read(file));
    }

    public CorrelationLoader load(String fileName, String text) {
        Node root = RulesYaml.compose(fileName, text);
        if (root == null) {
            return this;
        }
        if (!(root instanceof SequenceNode seq)) {
            throw new RulesException(at(fileName, root), "a correlations file is a YAML list of '- correlation:' items");
        }
        for (Node item : seq.getValue()) {
            if (!(item instanceof MappingNode map)) {
                throw new RulesException(at(fileName, item), "each item must be a mapping with 'correlation'");
            }
            loadItem(fileName, map);
        }
        return this;
    }

    private void loadItem(String file, MappingNode map) {
        Location where = at(file, map);
        Map<String, Node> keys = new LinkedHashMap<>();
        Map<String, Location> keyLines = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = scalar(file, t.getKeyNode(), "key");
            if (!KEYS.contains(key)) {
                throw new RulesException(at(file, t.getKeyNode()), "unknown key '" + key + "' (expected one of "
                        + KEYS.stream().sorted().toList() + ")");
            }
            keys.put(key, t.getValueNode());
            keyLines.put(key, at(file, t.getValueNode()));
        }
        if (!keys.containsKey("correlation")) {
            throw new RulesException(where, "an item of a correlations file needs 'correlation' (its name)");
        }
        String name = scalar(file, keys.get("correlation"), "correlation");
        if (keys.size() == 2 && keys.containsKey("enabled")) {
            Definition earlier = definitions.get(name);
            if (earlier == null) {
                throw new RulesException(where, "correlation '" + name + "': 'enabled' given for a correlation not loaded before");
            }
            definitions.put(name, earlier.enabled(bool(file, keys.get("enabled"), "enabled")));
            return;
        }
        CorrelationType type = type(file, keys, where, name);
        List<String> rules = keys.containsKey("rules") ? strings(file, keys.get("rules"), "rules") : List.of();
        List<String> conditions = keys.containsKey("condition") ? strings(file, keys.get("condition"), "condition") : List.of();
        if (rules.isEmpty() == conditions.isEmpty()) {
            throw new RulesException(where, "correlation '" + name + "': give the base events as 'rules' (names) or as a 'condition', one of the two");
        }
        if (type.counts() && conditions.size() > 1) {
            throw new RulesException(at(file, keys.get("condition")), "correlation '" + name + "': " + type.spelling() + " takes one condition (join several with 'or')");
        }
        int steps = rules.size() + conditions.size();
        if (!type.counts() && (steps < 2 || steps > 16)) {
            throw new RulesException(where, "correlation '" + name + "': " + type.spelling() + " needs 2 to 16 steps ('rules' names or a 'condition' list)");
        }
        String field = keys.containsKey("field") ? scalar(file, keys.get("field"), "field") : null;
        if ((type == CorrelationType.VALUE_COUNT) != (field != null)) {
            throw new RulesException(where, "correlation '" + name + "': 'field' is " + (field == null ? "required" : "only allowed") + " for value_count");
        }
        Threshold threshold = keys.containsKey("threshold") ? threshold(file, keys.get("threshold"), name) : null;
        if (type.counts() != (threshold != null)) {
            throw new RulesException(where, "correlation '" + name + "': 'threshold' is " + (threshold == null ? "required for " : "not used by ") + type.spelling());
        }
        if (!keys.containsKey("timespan")) {
            throw new RulesException(where, "correlation '" + name + "': 'timespan' is required (e.g. 5m)");
        }
        if (!keys.containsKey("output") || !keys.containsKey("priority")) {
            throw new RulesException(where, "correlation '" + name + "': 'output' and 'priority' are required");
        }
        Priority priority;
        try {
            priority = Priority.parse(scalar(file, keys.get("priority"), "priority"));
        } catch (IllegalArgumentException e) {
            throw new RulesException(at(file, keys.get("priority")), "correlation '" + name + "': " + e.getMessage());
        }
        definitions.put(name, new Definition(name,
                keys.containsKey("desc") ? scalar(file, keys.get("desc"), "desc") : "",
                type, rules, conditions, conditions.isEmpty() ? null : at(file, keys.get("condition")),
                keys.containsKey("group_by") ? strings(file, keys.get("group_by"), "group_by") : List.of(),
                field, timespan(file, keys.get("timespan"), name), threshold,
                scalar(file, keys.get("output"), "output"), at(file, keys.get("output")), priority,
                keys.containsKey("tags") ? strings(file, keys.get("tags"), "tags") : List.of(),
                !keys.containsKey("enabled") || bool(file, keys.get("enabled"), "enabled"), where, Map.copyOf(keyLines)));
    }

    /**
     * Compiles every loaded correlation, enabled or not (selection decides later), against {@code rules}.
     * Call before any event is evaluated: group and value fields take slots in the rule set's field table.
     */
    public List<CorrelationRule> compile(RuleSet rules) {
        FieldTable table = rules.fields();
        List<CorrelationRule> out = new ArrayList<>();
        for (Definition d : definitions.values()) {
            List<io.auditbridge.detector.condition.Condition> steps = new ArrayList<>();
            List<String> stepNames = new ArrayList<>();
            for (String condition : d.conditions) {
                try {
                    steps.add(rules.compileCondition(condition).condition());
                } catch (ConditionSyntaxException e) {
                    throw new RulesException(d.conditionLocation, "correlation '" + d.name + "': condition: " + e.getMessage());
                }
                stepNames.add("condition " + (stepNames.size() + 1));
            }
            for (String ruleName : d.rules) {
                CompiledRule base = rules.rule(ruleName);
                if (base == null) {
                    throw new RulesException(d.at("rules"), "correlation '" + d.name + "': no k8s_audit rule named '" + ruleName + "'");
                }
                steps.add(base.condition());
                stepNames.add(ruleName);
            }
            List<FieldTable.Slot> groupBy = new ArrayList<>();
            for (String f : d.groupBy) {
                groupBy.add(slot(table, f, d, "group_by"));
            }
            FieldTable.Slot field = d.field == null ? null : slot(table, d.field, d, "field");
            CorrelationOutput output;
            try {
                output = CorrelationOutput.compile(d.output, d.groupBy);
            } catch (IllegalArgumentException e) {
                throw new RulesException(d.outputLocation, "correlation '" + d.name + "': output: " + e.getMessage());
            }
            out.add(new CorrelationRule(d.name, d.desc, d.type, List.copyOf(steps), List.copyOf(stepNames),
                    List.copyOf(groupBy), field, d.timespanNanos, d.threshold, output, d.priority, d.tags, d.enabled,
                    d.location));
        }
        return List.copyOf(out);
    }

    private static FieldTable.Slot slot(FieldTable table, String name, Definition d, String key) {
        try {
            return table.slot(name);
        } catch (IllegalArgumentException e) {
            throw new RulesException(d.at(key), "correlation '" + d.name + "': " + key + ": " + e.getMessage());
        }
    }

    private static CorrelationType type(String file, Map<String, Node> keys, Location where, String name) {
        if (!keys.containsKey("type")) {
            throw new RulesException(where, "correlation '" + name + "': 'type' is required");
        }
        String s = scalar(file, keys.get("type"), "type");
        CorrelationType t = CorrelationType.parse(s);
        if (t == null) {
            throw new RulesException(at(file, keys.get("type")), "correlation '" + name + "': unknown type '" + s
                    + "' (expected event_count, value_count, temporal or temporal_ordered)");
        }
        return t;
    }

    private static long timespan(String file, Node node, String name) {
        String s = scalar(file, node, "timespan").trim();
        Matcher m = TIMESPAN.matcher(s);
        if (!m.matches()) {
            throw new RulesException(at(file, node), "correlation '" + name + "': timespan '" + s + "' is not a number followed by s, m, h or d");
        }
        long unit = switch (m.group(2)) {
            case "s" -> 1L;
            case "m" -> 60L;
            case "h" -> 3600L;
            default -> 86_400L;
        };
        return Math.multiplyExact(Long.parseLong(m.group(1)) * unit, 1_000_000_000L);
    }

    private static Threshold threshold(String file, Node node, String name) {
        if (!(node instanceof MappingNode map) || map.getValue().size() != 1) {
            throw new RulesException(at(file, node), "correlation '" + name + "': threshold is one of {gte: N}, {gt: N}, {lte: N}, {lt: N}, {eq: N}");
        }
        NodeTuple t = map.getValue().get(0);
        Threshold.Op op = Threshold.Op.parse(scalar(file, t.getKeyNode(), "threshold"));
        long value;
        try {
            value = Long.parseLong(scalar(file, t.getValueNode(), "threshold"));
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (op == null || value < 0) {
            throw new RulesException(at(file, node), "correlation '" + name + "': threshold is one of {gte: N}, {gt: N}, {lte: N}, {lt: N}, {eq: N} with N ≥ 0");
        }
        Threshold th = new Threshold(op, value);
        if (th.rising() && (th.needed() < 1 || th.needed() > MAX_NEEDED)) {
            throw new RulesException(at(file, node), "correlation '" + name + "': a " + op.spelling() + " threshold must ask for 1 to " + MAX_NEEDED + " events");
        }
        if (!th.rising() && value > MAX_NEEDED) {
            throw new RulesException(at(file, node), "correlation '" + name + "': threshold over " + MAX_NEEDED);
        }
        return th;
    }

    private static String scalar(String file, Node node, String what) {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        throw new RulesException(at(file, node), what + " must be a scalar");
    }

    private static boolean bool(String file, Node node, String what) {
        String v = scalar(file, node, what);
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new RulesException(at(file, node), what + " must be true or false");
    }

    private static List<String> strings(String file, Node node, String what) {
        if (node instanceof SequenceNode seq) {
            List<String> out = new ArrayList<>();
            for (Node n : seq.getValue()) {
                out.add(scalar(file, n, what));
            }
            return List.copyOf(out);
        }
        return List.of(scalar(file, node, what));
    }

    private static Location at(String file, Node node) {
        return RulesYaml.at(file, node);
    }
}
