package io.auditbridge.detector.rules;

import static io.auditbridge.detector.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.core.Event;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.Detector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Must show 2 (exceptions, append, override, several files) and 3 (malformed files → file, line, problem). */
class RulesLoaderTest {
    private static final String BASE = """
            - required_engine_version: 15
            - list: admins
              items: [alice]
            - macro: is_create
              condition: ka.verb=create
            - rule: Admin Created Something
              desc: an admin created an object
              condition: is_create and ka.user.name in (admins)
              output: created by %ka.user.name (%ka.target.resource/%ka.target.name)
              priority: warning
              source: k8s_audit
              tags: [k8s, test]
              exceptions:
                - name: known_objects
                  fields: [ka.target.resource, ka.target.name]
                  values:
                    - [configmaps, kube-root-ca.crt]
                - name: known_namespaces
                  fields: ka.target.namespace
                  values: [kube-system]
            - rule: Syscall Rule
              desc: for another source
              condition: evt.type=open
              output: x
              priority: INFO
            """;

    private static List<String> fired(RuleSet rules, Event e) {
        return new Detector(rules, "h", Detector.GapListener.NONE).evaluate(e).stream().map(Alert::rule).toList();
    }

    private static RuleSet load(String... files) {
        RulesLoader loader = new RulesLoader();
        for (int i = 0; i < files.length; i++) {
            loader.load("f" + (i + 1) + ".yaml", files[i]);
        }
        return loader.build();
    }

    private static Event create(String user, String resource, String name, String ns) {
        return event("{\"verb\": \"create\", \"user\": {\"username\": \"" + user + "\"}, \"objectRef\": {\"resource\": \""
                + resource + "\", \"name\": \"" + name + "\", \"namespace\": \"" + ns + "\"}}");
    }

    @Test
    void exceptionsSuppressMatchingTuplesAndSingleFieldValues() {
        RuleSet rules = load(BASE);
        assertThat(fired(rules, create("alice", "configmaps", "app", "default"))).containsExactly("Admin Created Something");
        assertThat(fired(rules, create("alice", "configmaps", "kube-root-ca.crt", "default"))).isEmpty();
        assertThat(fired(rules, create("alice", "secrets", "kube-root-ca.crt", "default"))).containsExactly("Admin Created Something");
        assertThat(fired(rules, create("alice", "configmaps", "app", "kube-system"))).isEmpty();
        assertThat(fired(rules, create("bob", "configmaps", "app", "default"))).isEmpty();
    }

    @Test
    void otherSourcesAreIgnoredWithANotice() {
        RuleSet rules = load(BASE);
        assertThat(rules.rules()).extracting(r -> r.name()).containsExactly("Admin Created Something");
        assertThat(rules.notices()).containsExactly("f1.yaml:21: rule 'Syscall Rule' is for source 'syscall': ignored");
    }

    @Test
    void aLaterFileAppendsToListsMacrosRulesAndExceptions() {
        String more = """
                - list: admins
                  items: [bob]
                  append: true
                - macro: is_create
                  condition: or ka.verb=update
                  append: true
                - rule: Admin Created Something
                  condition: and not ka.target.name startswith tmp-
                  exceptions:
                    - name: known_objects
                      values:
                        - [secrets, db]
                  append: true
                """;
        RuleSet rules = load(BASE, more);
        assertThat(fired(rules, create("bob", "configmaps", "app", "default"))).containsExactly("Admin Created Something");
        assertThat(fired(rules, event("{\"verb\": \"update\", \"user\": {\"username\": \"bob\"}}"))).containsExactly("Admin Created Something");
        assertThat(fired(rules, create("bob", "configmaps", "tmp-1", "default"))).isEmpty();
        assertThat(fired(rules, create("bob", "secrets", "db", "default"))).isEmpty();
        assertThat(fired(rules, create("bob", "configmaps", "kube-root-ca.crt", "default"))).isEmpty();
    }

    @Test
    void overrideReplacesOrAppendsAndEnabledFalseSwitchesARuleOff() {
        String override = """
                - list: admins
                  items: [carol]
                  override:
                    items: replace
                - rule: Admin Created Something
                  priority: critical
                  tags: [override]
                  override:
                    priority: replace
                    tags: append
                """;
        RuleSet rules = load(BASE, override);
        assertThat(fired(rules, create("alice", "configmaps", "app", "default"))).isEmpty();
        Alert a = new Detector(rules, "h", Detector.GapListener.NONE).evaluate(create("carol", "configmaps", "app", "default")).get(0);
        assertThat(a.priority()).isEqualTo("Critical");
        assertThat(a.tags()).containsExactly("k8s", "test", "override");
        assertThat(a.output()).endsWith("Critical created by carol (configmaps/app)");

        RuleSet off = load(BASE, "- rule: Admin Created Something\n  enabled: false\n");
        assertThat(off.enabledRules()).isEmpty();
        assertThat(fired(off, create("alice", "configmaps", "app", "default"))).isEmpty();
    }

    @Test
    void tupleExceptionsTakeListsAndListNamesForInComparisons() {
        String rules = BASE + """
                - list: scratch_namespaces
                  items: [tmp, scratch]
                - rule: Admin Created Something
                  exceptions:
                    - name: scratch
                      fields: [ka.target.namespace, ka.target.resource]
                      comps: [in, in]
                      values:
                        - [scratch_namespaces, [configmaps, secrets]]
                  append: true
                """;
        RuleSet set = load(rules);
        assertThat(fired(set, create("alice", "configmaps", "app", "tmp"))).isEmpty();
        assertThat(fired(set, create("alice", "secrets", "app", "scratch"))).isEmpty();
        assertThat(fired(set, create("alice", "pods", "app", "tmp"))).containsExactly("Admin Created Something");
        assertThat(fired(set, create("alice", "configmaps", "app", "prod"))).containsExactly("Admin Created Something");
    }

    @Test
    void overrideOfConditionAppendsOrReplacesTheText() {
        RuleSet appended = load(BASE, """
                - rule: Admin Created Something
                  condition: and ka.target.resource=secrets
                  override:
                    condition: append
                """);
        assertThat(fired(appended, create("alice", "configmaps", "app", "default"))).isEmpty();
        assertThat(fired(appended, create("alice", "secrets", "app", "default"))).containsExactly("Admin Created Something");

        RuleSet replaced = load(BASE, """
                - macro: is_create
                  condition: ka.verb=delete
                  override:
                    condition: replace
                - rule: Admin Created Something
                  exceptions: []
                  override:
                    exceptions: replace
                """);
        assertThat(fired(replaced, create("alice", "configmaps", "kube-root-ca.crt", "kube-system"))).isEmpty();
        assertThat(fired(replaced, event("{\"verb\": \"delete\", \"user\": {\"username\": \"alice\"}, \"objectRef\": {\"namespace\": \"kube-system\"}}")))
                .containsExactly("Admin Created Something");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bad YAML | '- rule: x\\n  condition: [a\\n' | f1.yaml:3: invalid YAML",
            "not a list | 'rule: x' | f1.yaml:1: a rules file is a YAML list of items",
            "no condition | '- rule: x\\n  output: o\\n  priority: INFO\\n' | f1.yaml:1: rule 'x' has no condition",
            "bad priority | '- rule: x\\n  condition: ka.verb=get\\n  output: o\\n  priority: LOUD\\n  source: k8s_audit\\n' | f1.yaml:4: rule 'x': unknown priority 'LOUD'",
            "unknown field | '- rule: x\\n  desc: d\\n  condition: ka.verb=get and ka.nope=1\\n  output: o\\n  priority: INFO\\n  source: k8s_audit\\n' | f1.yaml:3: rule 'x': condition: unknown field 'ka.nope'",
            "undefined macro | '- rule: x\\n  condition: kevt and ka.verb=get\\n  output: o\\n  priority: INFO\\n  source: k8s_audit\\n' | f1.yaml:2: rule 'x': condition: undefined macro 'kevt'",
            "syntax | '- rule: x\\n  condition: (ka.verb=get\\n  output: o\\n  priority: INFO\\n  source: k8s_audit\\n' | f1.yaml:2: rule 'x': condition: missing ')'",
            "bad operator | '- rule: x\\n  condition: ka.verb like get\\n  output: o\\n  priority: INFO\\n  source: k8s_audit\\n' | f1.yaml:2: rule 'x': condition: unknown operator 'like' after ka.verb",
            "macro error | '- macro: m\\n  condition: ka.verb=\\n- rule: x\\n  condition: m\\n  output: o\\n  priority: INFO\\n  source: k8s_audit\\n' | f1.yaml:4: rule 'x': condition: in macro 'm' (f1.yaml:2): missing value after ka.verb =",
            "append to nothing | '- list: l\\n  items: [a]\\n  append: true\\n' | f1.yaml:1: list 'l' appends to a list that is not defined before it",
            "bad output field | '- rule: x\\n  condition: ka.verb=get\\n  output: user=%ka.user.nam\\n  priority: INFO\\n  source: k8s_audit\\n' | f1.yaml:3: rule 'x': output: unknown field 'ka.user.nam'",
            "engine too new | '- required_engine_version: 0.99.0\\n' | f1.yaml:1: requires engine version 0.99.0",
            "self macro | '- macro: m\\n  condition: m\\n- rule: x\\n  condition: m\\n  output: o\\n  priority: INFO\\n  source: k8s_audit\\n' | f1.yaml:4: rule 'x': condition: in macro 'm' (f1.yaml:2): macro 'm' refers to itself",
            "exception arity | '- rule: x\\n  condition: ka.verb=get\\n  output: o\\n  priority: INFO\\n  exceptions:\\n    - name: e\\n      fields: [ka.verb, ka.uri]\\n      values: [[get]]\\n' | f1.yaml:8: rule 'x': exception 'e': each value must be a list of 2 items"})
    void malformedFilesNameFileLineAndProblem(String what, String yaml, String message) {
        String text = yaml.replace("\\n", "\n");
        assertThatThrownBy(() -> load(text)).as(what).isInstanceOf(RulesException.class).hasMessageStartingWith(message);
    }
}
