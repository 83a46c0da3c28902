package io.auditbridge.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.CompiledRule;
import io.auditbridge.detector.engine.Detector;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The product's own rules keep Falco's rule names where the meaning is the same: the same pairs hold. */
class RulesFilesTest {
    private static final JsonNode TABLE = TestEvents.resource("/upstream/rule-pairs.json");
    private static final RuleSet RULES = RulesFiles.load(List.of());
    private static final Detector DETECTOR = new Detector(RULES, "h", Detector.GapListener.NONE);

    @Test
    void hasEveryRuleNameOfTheTableAndKeepsTheOffByDefaultOnesOff() {
        List<String> enabled = RULES.enabledRules().stream().map(CompiledRule::name).toList();
        TABLE.get("pairs").forEach(p -> assertThat(enabled).contains(p.get("rule").asText()));
        List<String> disabled = RULES.rules().stream().filter(r -> !r.enabled()).map(CompiledRule::name).toList();
        assertThat(disabled).containsExactlyInAnyOrder("Create Disallowed Pod", "Full K8s Administrative Access",
                "Untrusted Node Successfully Joined the Cluster", "Untrusted Node Unsuccessfully Tried to Join the Cluster");
        assertThat(RULES.notices()).isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> sameVerdictsAsUpstreamOnTheRulePairs() {
        JsonNode base = TABLE.get("base");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode pair : TABLE.get("pairs")) {
            String rule = pair.get("rule").asText();
            tests.add(DynamicTest.dynamicTest(rule, () -> {
                assertThat(fired(TestEvents.event(base, pair.get("fires")))).contains(rule);
                assertThat(fired(TestEvents.event(base, pair.get("fires"), pair.get("nearMiss")))).doesNotContain(rule);
            }));
        }
        return tests.stream();
    }

    @Test
    void enablingAnOffRuleFromASecondFileWorks() {
        RuleSet rules = new RulesLoader().load("bundled.yaml", RulesFiles.bundledText())
                .load("mine.yaml", "- list: ab_allowed_pod_images\n  items: [nginx]\n  append: true\n"
                        + "- rule: Create Disallowed Pod\n  enabled: true\n").build();
        Detector d = new Detector(rules, "h", Detector.GapListener.NONE);
        String pod = "{\"verb\": \"create\", \"responseStatus\": {\"code\": 201}, \"requestObject\": {\"spec\": {\"containers\": [%s]}}}";
        assertThat(d.evaluate(TestEvents.event(pod.formatted("{\"name\": \"a\", \"image\": \"nginx:1\"}"))))
                .extracting(Alert::rule).doesNotContain("Create Disallowed Pod");
        assertThat(d.evaluate(TestEvents.event(pod.formatted("{\"name\": \"a\", \"image\": \"evil/miner:1\"}"))))
                .extracting(Alert::rule).contains("Create Disallowed Pod");
    }

    private static List<String> fired(io.auditbridge.core.Event e) {
        return DETECTOR.evaluate(e).stream().map(Alert::rule).toList();
    }
}
