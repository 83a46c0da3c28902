package io.auditbridge.detector.rules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads Falco rules files, in order, into lists, macros and rules, applying {@code append} and
 * {@code override} across files as Falco does. Any problem is a {@link RulesException} naming the file and
 * line. Call {@link #build()} to compile the {@code k8s_audit} rules.
 */
public final class RulesLoader {
    /** The engine version this detector claims: Falco's rules-file compatibility number. */
    public static final int ENGINE_VERSION = 43;
    public static final String SOURCE = "k8s_audit";

    private static final Set<String> RULE_KEYS = Set.of("rule", "desc", "condition", "output", "priority", "source",
            "tags", "enabled", "exceptions", "append", "override", "warn_evttypes", "skip-if-unknown-filter",
            "capture", "capture_duration");
    private static final Set<String> APPENDABLE_RULE_KEYS = Set.of("condition", "output", "desc", "tags", "exceptions");

    final Map<String, ListDefinition> lists = new LinkedHashMap<>();
    final Map<String, MacroDefinition> macros = new LinkedHashMap<>();
    final Map<String, RuleDefinition> rules = new LinkedHashMap<>();
    private final List<String> notices = new ArrayList<>();

    record ListDefinition(List<String> items, Location location) {}

    record MacroDefinition(String condition, Location location) {}

    /** Loads one file; later files see and may change what earlier ones defined. */
    public RulesLoader load(Path file) {
        return load(file.toString(), RulesYaml.read(file));
    }

    public RulesLoader load(String fileName, String text) {
        Node root = RulesYaml.compose(fileName, text);
        if (root == null) {
            return this; // an empty file is allowed, as in Falco
        }
        if (!(root instanceof SequenceNode seq)) {
            throw new RulesException(at(fileName, root), "a rules file is a YAML list of items (- rule:, - macro:, - list:)");
        }
        for (Node item : seq.getValue()) {
            if (!(item instanceof MappingNode map)) {
                throw new RulesException(at(fileName, item), "each item must be a mapping with rule, macro, list or required_engine_version");
            }
            loadItem(fileName, map);
        }
        return this;
    }

    /** Things worth telling the user that are not errors (rules for other sources, unknown items). */
    public List<String> notices() {
        return List.copyOf(notices);
    }

    /** Compiles the loaded {@code k8s_audit} rules. */
    public RuleSet build() {
        return RuleSet.compile(this);
    }

    void notice(String text) {
        notices.add(text);
    }

    private void loadItem(String file, MappingNode map) {
        Map<String, Node> keys = keys(file, map);
        Location where = at(file, map);
        if (keys.containsKey("rule")) {
            loadRule(file, map, keys);
        } else if (keys.containsKey("macro")) {
            loadMacro(file, keys, where);
        } else if (keys.containsKey("list")) {
            loadList(file, keys, where);
        } else if (keys.containsKey("required_engine_version")) {
            checkEngineVersion(file, keys.get("required_engine_version"));
        } else if (keys.containsKey("required_plugin_versions")) {
            // Plugins are built in here: the k8saudit and json fields are always available.
        } else {
            notice(where + ": unknown item " + keys.keySet() + " ignored");
        }
    }

    private void checkEngineVersion(String file, Node node) {
        String v = scalar(file, node, "required_engine_version");
        int required;
        try {
            String[] parts = v.trim().split("\\.");
            required = parts.length == 3 ? Integer.parseInt(parts[1]) : Integer.parseInt(parts[0]);
            if (parts.length == 3 && Integer.parseInt(parts[0]) > 0) {
                required = Integer.MAX_VALUE;
            }
        } catch (NumberFormatException e) {
            throw new RulesException(at(file, node), "required_engine_version must be a number or x.y.z, not '" + v + "'");
        }
        if (required > ENGINE_VERSION) {
            throw new RulesException(at(file, node), "requires engine version " + v + "; this detector implements "
                    + ENGINE_VERSION + " (0." + ENGINE_VERSION + ".0)");
        }
    }

    private void loadList(String file, Map<String, Node> keys, Location where) {
        String name = scalar(file, keys.get("list"), "list");
        Mode mode = mode(file, keys, "items", Set.of("items"));
        Node itemsNode = keys.get("items");
        if (itemsNode == null) {
            throw new RulesException(where, "list '" + name + "' has no items");
        }
        List<String> items = strings(file, itemsNode, "items");
        ListDefinition old = lists.get(name);
        if (mode == Mode.APPEND) {
            if (old == null) {
                throw new RulesException(where, "list '" + name + "' appends to a list that is not defined before it");
            }
            List<String> all = new ArrayList<>(old.items());
            all.addAll(items);
            lists.put(name, new ListDefinition(List.copyOf(all), old.location()));
        } else {
            if (mode == Mode.REPLACE && old == null) {
                throw new RulesException(where, "list '" + name + "' overrides a list that is not defined before it");
            }
            lists.put(name, new ListDefinition(items, where));
        }
    }

    private void loadMacro(String file, Map<String, Node> keys, Location where) {
        String name = scalar(file, keys.get("macro"), "macro");
        Mode mode = mode(file, keys, "condition", Set.of("condition"));
        Node cond = keys.get("condition");
        if (cond == null) {
            throw new RulesException(where, "macro '" + name + "' has no condition");
        }
        String text = scalar(file, cond, "condition");
        MacroDefinition old = macros.get(name);
        if (mode != Mode.NEW && old == null) {
            throw new RulesException(where, "macro '" + name + "' " + (mode == Mode.APPEND ? "appends to" : "overrides")
                    + " a macro that is not defined before it");
        }
        if (mode == Mode.APPEND) {
            macros.put(name, new MacroDefinition(old.condition() + " " + text, old.location()));
        } else {
            macros.put(name, new MacroDefinition(text, at(file, cond)));
        }
    }

    private enum Mode { NEW, APPEND, REPLACE }

    /** For lists and macros: new definition, {@code append: true}, or {@code override: {key: append|replace}}. */
    private Mode mode(String file, Map<String, Node> keys, String key, Set<String> allowed) {
        boolean append = keys.containsKey("append") && bool(file, keys.get("append"), "append");
        Node override = keys.get("override");
        if (override == null) {
            return append ? Mode.APPEND : Mode.NEW;
        }
        if (append) {
            throw new RulesException(at(file, override), "append and override cannot be used together");
        }
        Map<String, Node> o = keys(file, override);
        for (var e : o.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new RulesException(at(file, e.getValue()), "cannot override '" + e.getKey() + "' here");
            }
        }
        Node how = o.get(key);
        if (how == null) {
            throw new RulesException(at(file, override), "override must name '" + key + "'");
        }
        return switch (scalar(file, how, "override." + key)) {
            case "append" -> Mode.APPEND;
            case "replace" -> Mode.REPLACE;
            default -> throw new RulesException(at(file, how), "override." + key + " must be append or replace");
        };
    }

    private void loadRule(String file, MappingNode map, Map<String, Node> keys) {
        Location where = at(file, map);
        String name = scalar(file, keys.get("rule"), "rule");
        for (var e : keys.entrySet()) {
            if (!RULE_KEYS.contains(e.getKey())) {
                notice(at(file, e.getValue()) + ": rule '" + name + "': unknown key '" + e.getKey() + "' ignored");
            }
        }
        boolean append = keys.containsKey("append") && bool(file, keys.get("append"), "append");
        Node overrideNode = keys.get("override");
        RuleDefinition existing = rules.get(name);
        if (append && overrideNode != null) {
            throw new RulesException(at(file, overrideNode), "rule '" + name + "': append and override cannot be used together");
        }
        if (append) {
            if (existing == null) {
                throw new RulesException(where, "rule '" + name + "' appends to a rule that is not defined before it");
            }
            for (String k : keys.keySet()) {
                if (!Set.of("rule", "append", "condition", "exceptions", "output", "desc", "tags").contains(k)) {
                    throw new RulesException(at(file, keys.get(k)), "rule '" + name + "': '" + k + "' cannot be appended");
                }
            }
            applyAppend(file, existing, keys);
            return;
        }
        if (overrideNode != null) {
            if (existing == null) {
                throw new RulesException(where, "rule '" + name + "' overrides a rule that is not defined before it");
            }
            Map<String, Node> o = keys(file, overrideNode);
            for (String k : keys.keySet()) {
                if (!k.equals("rule") && !k.equals("override") && !o.containsKey(k)) {
                    throw new RulesException(at(file, keys.get(k)), "rule '" + name + "': '" + k + "' is not listed under override");
                }
            }
            for (var e : o.entrySet()) {
                String k = e.getKey();
                if (!keys.containsKey(k)) {
                    throw new RulesException(at(file, e.getValue()), "rule '" + name + "': override names '" + k + "' but the item has no " + k);
                }
                String how = scalar(file, e.getValue(), "override." + k);
                Map<String, Node> one = Map.of(k, keys.get(k));
                if (how.equals("append")) {
                    if (!APPENDABLE_RULE_KEYS.contains(k)) {
                        throw new RulesException(at(file, e.getValue()), "rule '" + name + "': '" + k + "' can only be replaced");
                    }
                    applyAppend(file, existing, one);
                } else if (how.equals("replace")) {
                    if (k.equals("exceptions")) {
                        existing.exceptions = new ArrayList<>();
                    }
                    if (k.equals("tags")) {
                        existing.tags = new ArrayList<>();
                    }
                    applyFields(file, existing, one);
                } else {
                    throw new RulesException(at(file, e.getValue()), "rule '" + name + "': override." + k + " must be append or replace");
                }
            }
            return;
        }
        if (!keys.containsKey("condition") && existing != null) {
            // Falco's short form to switch an existing rule on or off: "- rule: X / enabled: false".
            for (String k : keys.keySet()) {
                if (!k.equals("rule") && !k.equals("enabled")) {
                    throw new RulesException(where, "rule '" + name + "' has no condition");
                }
            }
            if (keys.containsKey("enabled")) {
                existing.enabled = bool(file, keys.get("enabled"), "enabled");
            }
            return;
        }
        for (String required : List.of("condition", "output", "priority")) {
            if (!keys.containsKey(required)) {
                throw new RulesException(where, "rule '" + name + "' has no " + required);
            }
        }
        RuleDefinition r = new RuleDefinition(name, where);
        applyFields(file, r, keys);
        rules.remove(name); // a redefinition replaces the rule and moves it to the end, as in Falco
        rules.put(name, r);
    }

    private void applyFields(String file, RuleDefinition r, Map<String, Node> keys) {
        for (var e : keys.entrySet()) {
            Node v = e.getValue();
            switch (e.getKey()) {
                case "desc" -> r.desc = scalar(file, v, "desc");
                case "condition" -> {
                    r.condition = scalar(file, v, "condition");
                    r.conditionLocation = at(file, v);
                }
                case "output" -> {
                    r.output = scalar(file, v, "output").strip();
                    r.outputLocation = at(file, v);
                }
                case "priority" -> {
                    try {
                        r.priority = Priority.parse(scalar(file, v, "priority"));
                    } catch (IllegalArgumentException bad) {
                        throw new RulesException(at(file, v), "rule '" + r.name + "': " + bad.getMessage());
                    }
                }
                case "source" -> r.source = scalar(file, v, "source");
                case "tags" -> {
                    r.tags = new ArrayList<>(new LinkedHashSet<>(r.tags));
                    for (String t : strings(file, v, "tags")) {
                        if (!r.tags.contains(t)) {
                            r.tags.add(t);
                        }
                    }
                }
                case "enabled" -> r.enabled = bool(file, v, "enabled");
                case "skip-if-unknown-filter" -> r.skipIfUnknownFilter = bool(file, v, "skip-if-unknown-filter");
                case "exceptions" -> mergeExceptions(file, r, v);
                default -> { }
            }
        }
    }

    private void applyAppend(String file, RuleDefinition r, Map<String, Node> keys) {
        for (var e : keys.entrySet()) {
            Node v = e.getValue();
            switch (e.getKey()) {
                case "condition" -> r.condition = r.condition + " " + scalar(file, v, "condition");
                case "output" -> r.output = r.output + " " + scalar(file, v, "output").strip();
                case "desc" -> r.desc = r.desc + " " + scalar(file, v, "desc");
                case "tags", "exceptions" -> applyFields(file, r, Map.of(e.getKey(), v));
                default -> { }
            }
        }
    }

    private void mergeExceptions(String file, RuleDefinition r, Node node) {
        if (!(node instanceof SequenceNode seq)) {
            throw new RulesException(at(file, node), "rule '" + r.name + "': exceptions must be a list");
        }
        for (Node item : seq.getValue()) {
            Map<String, Node> k = keys(file, item);
            if (!k.containsKey("name")) {
                throw new RulesException(at(file, item), "rule '" + r.name + "': an exception has no name");
            }
            String name = scalar(file, k.get("name"), "name");
            List<Object> values = k.containsKey("values") ? values(file, k.get("values")) : List.of();
            int existing = -1;
            for (int i = 0; i < r.exceptions.size(); i++) {
                if (r.exceptions.get(i).name().equals(name)) {
                    existing = i;
                }
            }
            if (existing >= 0 && !k.containsKey("fields")) {
                r.exceptions.set(existing, r.exceptions.get(existing).withMoreValues(values));
                continue;
            }
            Node fieldsNode = k.get("fields");
            if (fieldsNode == null) {
                throw new RulesException(at(file, item), "rule '" + r.name + "': exception '" + name + "' has no fields");
            }
            boolean single = fieldsNode instanceof ScalarNode;
            List<String> fields = single ? List.of(scalar(file, fieldsNode, "fields")) : strings(file, fieldsNode, "fields");
            List<String> comps;
            Node compsNode = k.get("comps");
            if (compsNode == null) {
                comps = java.util.Collections.nCopies(fields.size(), single ? "in" : "=");
            } else if (compsNode instanceof ScalarNode) {
                comps = List.of(scalar(file, compsNode, "comps"));
            } else {
                comps = strings(file, compsNode, "comps");
            }
            if (comps.size() != fields.size()) {
                throw new RulesException(at(file, compsNode), "rule '" + r.name + "': exception '" + name + "' has "
                        + fields.size() + " fields but " + comps.size() + " comps");
            }
            for (Object v : values) {
                if (!single && !(v instanceof List<?> tuple && tuple.size() == fields.size())) {
                    throw new RulesException(at(file, k.get("values")), "rule '" + r.name + "': exception '" + name
                            + "': each value must be a list of " + fields.size() + " items, one per field");
                }
            }
            RuleException ex = new RuleException(name, fields, single, comps, values);
            if (existing >= 0) {
                r.exceptions.set(existing, ex);
            } else {
                r.exceptions.add(ex);
            }
        }
    }

    /** Exception values: scalars, or tuples whose items are scalars or lists of scalars. */
    private List<Object> values(String file, Node node) {
        if (!(node instanceof SequenceNode seq)) {
            throw new RulesException(at(file, node), "values must be a list");
        }
        List<Object> out = new ArrayList<>();
        for (Node v : seq.getValue()) {
            if (v instanceof ScalarNode s) {
                out.add(s.getValue());
            } else if (v instanceof SequenceNode tuple) {
                List<Object> t = new ArrayList<>();
                for (Node x : tuple.getValue()) {
                    t.add(x instanceof ScalarNode s ? s.getValue() : strings(file, x, "value"));
                }
                out.add(List.copyOf(t));
            } else {
                throw new RulesException(at(file, v), "an exception value must be a string or a list");
            }
        }
        return List.copyOf(out);
    }

    private static Map<String, Node> keys(String file, Node node) {
        if (!(node instanceof MappingNode map)) {
            throw new RulesException(at(file, node), "expected a mapping");
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw new RulesException(at(file, t.getKeyNode()), "keys must be plain strings");
            }
            if (out.put(k.getValue(), t.getValueNode()) != null) {
                throw new RulesException(at(file, k), "duplicate key '" + k.getValue() + "'");
            }
        }
        return out;
    }

    private static String scalar(String file, Node node, String key) {
        if (!(node instanceof ScalarNode s)) {
            throw new RulesException(at(file, node), key + " must be a string");
        }
        return s.getValue();
    }

    private static boolean bool(String file, Node node, String key) {
        String v = scalar(file, node, key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new RulesException(at(file, node), key + " must be true or false, not '" + v + "'");
        };
    }

    private static List<String> strings(String file, Node node, String key) {
        if (node instanceof ScalarNode s && (s.getValue().isEmpty() || s.getValue().equals("null"))) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            throw new RulesException(at(file, node), key + " must be a list");
        }
        List<String> out = new ArrayList<>();
        for (Node n : seq.getValue()) {
            out.add(scalar(file, n, key + " item"));
        }
        return List.copyOf(out);
    }

    static Location at(String file, Node node) {
        return RulesYaml.at(file, node);
    }
}
