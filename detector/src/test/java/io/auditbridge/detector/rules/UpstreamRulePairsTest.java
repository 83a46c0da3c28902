package io.auditbridge.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.Upstream;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.CompiledRule;
import io.auditbridge.detector.engine.Detector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Must show 1: with the upstream Falco file, each rule fires on an event written for it and stays silent on
 * its near-miss twin (table in src/test/resources/upstream/rule-pairs.json).
 */
class UpstreamRulePairsTest {
    private static final JsonNode TABLE = TestEvents.resource("/upstream/rule-pairs.json");
    private static Detector detector;

    @BeforeAll
    static void load() {
        detector = new Detector(new RulesLoader().load(Upstream.rulesFile()).build(), "test-host", Detector.GapListener.NONE);
    }

    @TestFactory
    Stream<DynamicTest> everyRuleFiresOnItsEventAndNotOnItsNearMiss() {
        JsonNode base = TABLE.get("base");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode pair : TABLE.get("pairs")) {
            String rule = pair.get("rule").asText();
            tests.add(DynamicTest.dynamicTest(rule + " fires", () -> {
                Event e = TestEvents.event(base, pair.get("fires"));
                assertThat(fired(e)).as("rules fired by the event written for '%s'", rule).contains(rule);
            }));
            tests.add(DynamicTest.dynamicTest(rule + " silent on near miss", () -> {
                Event e = TestEvents.event(base, pair.get("fires"), pair.get("nearMiss"));
                assertThat(fired(e)).as("rules fired by the near miss of '%s'", rule).doesNotContain(rule);
            }));
        }
        return tests.stream();
    }

    @Test
    void rulesSwitchedOffByUpstreamMacrosFireOnNothing() {
        JsonNode base = TABLE.get("base");
        Set<String> disabled = new HashSet<>();
        TABLE.get("disabledByMacro").fieldNames().forEachRemaining(disabled::add);
        List<JsonNode> events = new ArrayList<>();
        TABLE.get("disabledByMacro").forEach(events::add);
        TABLE.get("pairs").forEach(p -> events.add(p.get("fires")));
        for (JsonNode patch : events) {
            assertThat(fired(TestEvents.event(base, patch))).doesNotContainAnyElementsOf(disabled);
        }
    }

    @Test
    void theTableCoversEveryUpstreamRule() {
        Set<String> inTable = new HashSet<>();
        TABLE.get("pairs").forEach(p -> inTable.add(p.get("rule").asText()));
        TABLE.get("disabledByMacro").fieldNames().forEachRemaining(inTable::add);
        assertThat(inTable).containsExactlyInAnyOrderElementsOf(
                detector.rules().rules().stream().map(CompiledRule::name).toList());
    }

    @Test
    void anExecAlertLooksLikeFalcosJsonOutput() {
        JsonNode pair = null;
        for (JsonNode p : TABLE.get("pairs")) {
            if (p.get("rule").asText().equals("Attach/Exec Pod")) {
                pair = p;
            }
        }
        Alert alert = detector.evaluate(TestEvents.event(TABLE.get("base"), pair.get("fires"))).stream()
                .filter(a -> a.rule().equals("Attach/Exec Pod")).findFirst().orElseThrow();
        JsonNode json = alert.toJson();
        assertThat(json.get("source").asText()).isEqualTo("k8s_audit");
        assertThat(json.get("priority").asText()).isEqualTo("Notice");
        assertThat(json.get("time").asText()).isEqualTo("2026-11-30T01:00:00.123456000Z");
        assertThat(json.get("hostname").asText()).isEqualTo("test-host");
        assertThat(json.get("tags").toString()).isEqualTo("[\"k8s\"]");
        assertThat(json.get("output").asText()).isEqualTo("01:00:00.123456000: Notice Attach/Exec to pod (user=kubernetes-admin "
                + "pod=web resource=pods ns=default action=exec command=bash)");
        JsonNode fields = json.get("output_fields");
        assertThat(fields.get("ka.uri.param[command]").asText()).isEqualTo("bash");
        assertThat(fields.get("ka.auditid").asText()).isEqualTo("7f1c2a9e-0000-4000-8000-000000000001");
        assertThat(fields.get("ka.stage").asText()).isEqualTo("ResponseStarted");
        assertThat(fields.get("evt.time").asLong()).isEqualTo(1796000400123456000L);
    }

    @Test
    void aProviderAddOnFileLoadedAfterUpstreamAppendsExceptionsAndListItems() throws Exception {
        String addon = new String(UpstreamRulePairsTest.class.getResourceAsStream("/upstream/provider-addon.yaml").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        Detector d = new Detector(new RulesLoader().load(Upstream.rulesFile()).load("provider-addon.yaml", addon).build(), "h",
                Detector.GapListener.NONE);
        JsonNode base = TABLE.get("base");
        Event robot = TestEvents.event(base, TestEvents.json("{\"user\": {\"username\": \"service-1@container-engine-robot.iam.gserviceaccount.com\"}}"));
        Event person = TestEvents.event(base, TestEvents.json("{\"user\": {\"username\": \"alice@example.com\"}}"));
        assertThat(d.evaluate(robot)).extracting(Alert::rule).doesNotContain("Disallowed K8s User");
        assertThat(d.evaluate(person)).extracting(Alert::rule).contains("Disallowed K8s User");

        Event agent = TestEvents.event(base, TestEvents.json("""
                {"verb": "create", "responseStatus": {"code": 201}, "requestObject": {"spec": {"containers": [
                  {"name": "a", "image": "gke.gcr.io/example-agent:1.0", "securityContext": {"privileged": true}}]}}}"""));
        assertThat(d.evaluate(agent)).extracting(Alert::rule).doesNotContain("Create Privileged Pod");
        assertThat(detector.evaluate(agent)).extracting(Alert::rule).contains("Create Privileged Pod");
    }

    private static List<String> fired(Event e) {
        return detector.evaluate(e).stream().map(Alert::rule).toList();
    }
}
