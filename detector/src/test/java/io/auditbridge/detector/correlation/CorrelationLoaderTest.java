package io.auditbridge.detector.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.detector.rules.RuleSet;
import io.auditbridge.detector.rules.RulesException;
import io.auditbridge.detector.rules.RulesFiles;
import io.auditbridge.detector.rules.RulesLoader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CorrelationLoaderTest {
    private static final RuleSet RULES = new RulesLoader().load("base.yaml", CorrelationFixture.BASE_RULES).build();
    private static final String GOOD = """
            - correlation: C
              type: event_count
              rules: [Forbidden]
              group_by: [ka.user.name]
              timespan: 5m
              threshold: {gte: 3}
              output: "%ka.user.name %correlation.count"
              priority: WARNING
            """;

    private static List<CorrelationRule> load(String text) {
        return new CorrelationLoader().load("c.correlations.yaml", text).compile(RULES);
    }

    @Test
    void aGoodFileCompiles() {
        CorrelationRule c = load(GOOD).get(0);
        assertThat(c.type()).isEqualTo(CorrelationType.EVENT_COUNT);
        assertThat(c.timespanNanos()).isEqualTo(300_000_000_000L);
        assertThat(c.threshold()).isEqualTo(new Threshold(Threshold.Op.GTE, 3));
        assertThat(c.stepNames()).containsExactly("Forbidden");
        assertThat(c.enabled()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "type: event_count|type: sliding|c.correlations.yaml:2: correlation 'C': unknown type 'sliding'",
        "rules: [Forbidden]|rules: [Nope]|c.correlations.yaml:3: correlation 'C': no k8s_audit rule named 'Nope'",
        "threshold: {gte: 3}|threshold: {most: 3}|c.correlations.yaml:6: correlation 'C': threshold is one of",
        "threshold: {gte: 3}|threshold: {gte: 0}|c.correlations.yaml:6: correlation 'C': a gte threshold must ask for 1 to",
        "timespan: 5m|timespan: five minutes|c.correlations.yaml:5: correlation 'C': timespan 'five minutes' is not a number",
        "group_by: [ka.user.name]|group_by: [ka.nope]|c.correlations.yaml:4: correlation 'C': group_by:",
        "%correlation.count|%ka.verb|c.correlations.yaml:7: correlation 'C': output: %ka.verb is neither a group_by field",
        "priority: WARNING|priority: LOUD|c.correlations.yaml:8: correlation 'C': unknown priority 'LOUD'",
        "priority: WARNING|priority: WARNING\\n  colour: red|c.correlations.yaml:9: unknown key 'colour'",
        "rules: [Forbidden]|rules: [Forbidden]\\n  field: ka.verb|c.correlations.yaml:1: correlation 'C': 'field' is only allowed for value_count",
        "rules: [Forbidden]|condition: ka.verb=|c.correlations.yaml:3: correlation 'C': condition:",
    })
    void eachProblemNamesTheFileTheLineAndTheCorrelation(String from, String to, String message) {
        String text = GOOD.replace(from, to.replace("\\n", "\n"));
        assertThatThrownBy(() -> load(text)).isInstanceOf(RulesException.class).hasMessageStartingWith(message);
    }

    @Test
    void temporalTypesNeedTwoStepsAndNoThreshold() {
        String temporal = GOOD.replace("event_count", "temporal").replace("  threshold: {gte: 3}\n", "");
        assertThatThrownBy(() -> load(temporal)).hasMessageContaining("temporal needs 2 to 16 steps");
        assertThat(load(temporal.replace("[Forbidden]", "[Forbidden, Exec]")).get(0).steps()).hasSize(2);
        assertThatThrownBy(() -> load(GOOD.replace("event_count", "temporal").replace("[Forbidden]", "[Forbidden, Exec]")))
                .hasMessageContaining("'threshold' is not used by temporal");
    }

    @Test
    void aLaterFileTurnsACorrelationOnOrOff() {
        List<CorrelationRule> rules = new CorrelationLoader().load("a.correlations.yaml", GOOD)
                .load("b.correlations.yaml", "- correlation: C\n  enabled: false\n").compile(RULES);
        assertThat(rules.get(0).enabled()).isFalse();
        assertThatThrownBy(() -> new CorrelationLoader().load("b.correlations.yaml", "- correlation: X\n  enabled: false\n"))
                .hasMessageStartingWith("b.correlations.yaml:1: correlation 'X': 'enabled' given for a correlation not loaded before");
    }

    @Test
    void theBundledCorrelationsCompileAgainstTheBundledRules() {
        RuleSet bundled = new RulesLoader().load("bundled.yaml", RulesFiles.bundledText()).build();
        List<CorrelationRule> rules = new CorrelationLoader().load(CorrelationFiles.BUNDLED_NAME, CorrelationFiles.bundledText())
                .compile(bundled);
        assertThat(rules).hasSize(8);
        assertThat(rules).filteredOn(r -> !r.enabled()).extracting(CorrelationRule::name)
                .containsExactlyInAnyOrder("K8s Mass Pod Deletion", "K8s Service Account Token Request Burst");
        assertThat(rules).allSatisfy(r -> assertThat(r.tags()).contains("correlation").anyMatch(t -> t.matches("T\\d{4}(\\.\\d{3})?")));
    }
}
