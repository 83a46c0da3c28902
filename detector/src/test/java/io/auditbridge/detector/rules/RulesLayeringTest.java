package io.auditbridge.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.Event;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.engine.EngineOptions;
import io.auditbridge.detector.engine.RuleMatching;
import io.auditbridge.detector.runtime.ReloadingDetector;
import io.auditbridge.detector.runtime.ReloadingDetector.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule layering as Falco users do it ({@code --rules bundled --rules /etc/auditbridge/rules.d}: the bundled
 * rules, then the directory's files in name order) and hot reload (a good change replaces the rules; a broken
 * file is refused and the previous rules stay; both logged and counted).
 */
class RulesLayeringTest {
    static final String ADD = """
            - rule: ConfigMap Read
              desc: A ConfigMap was read.
              condition: ka.verb=get and ka.target.resource=configmaps
              output: ConfigMap read (user=%ka.user.name configmap=%ka.target.name)
              priority: NOTICE
              source: k8s_audit
              tags: [custom]
            """;
    /** Only valid when loaded after ADD: it overrides that rule, so the name order matters. */
    static final String OVERRIDE = """
            - rule: ConfigMap Read
              output: ConfigMap read by %ka.user.name (configmap=%ka.target.name)
              override:
                output: replace
            - rule: K8s Secret Get Successfully
              enabled: false
            """;

    @TempDir
    Path dir;
    Path rulesD;
    final Event configMapRead = TestEvents.event("{\"auditID\": \"l-1\", \"objectRef\": {\"resource\": \"configmaps\", \"name\": \"settings\"}}");
    final Event secretRead = TestEvents.event("{\"auditID\": \"l-2\", \"objectRef\": {\"resource\": \"secrets\", \"name\": \"db\"}}");

    @BeforeEach
    void setUp() throws IOException {
        rulesD = Files.createDirectories(dir.resolve("rules.d"));
        // Written in the "wrong" order on purpose: loading follows the names, not the creation.
        Files.writeString(rulesD.resolve("20-override.yaml"), OVERRIDE);
        Files.writeString(rulesD.resolve("10-add.yaml"), ADD);
        Files.writeString(rulesD.resolve(".editor-backup.yaml"), "- rule: [broken");
    }

    private static Detector all(RuleSet rules) {
        return new Detector(rules, new EngineOptions(RuleMatching.ALL, null, null, "h"), Detector.GapListener.NONE);
    }

    @Test
    void bundledThenTheDirectoryInNameOrder() {
        RulesSources sources = RulesSources.of(List.of("bundled", rulesD.toString()));
        assertThat(sources.files()).containsExactly("bundled", rulesD.resolve("10-add.yaml").toString(), rulesD.resolve("20-override.yaml").toString());
        Detector d = all(sources.load());

        List<Alert> cm = d.evaluate(configMapRead);
        assertThat(cm).extracting(Alert::rule).contains("ConfigMap Read");
        assertThat(cm.stream().filter(a -> a.rule().equals("ConfigMap Read")).findFirst().orElseThrow().output())
                .endsWith("ConfigMap read by kubernetes-admin (configmap=settings)");
        assertThat(d.evaluate(secretRead)).extracting(Alert::rule).as("a bundled rule switched off by rules.d")
                .doesNotContain("K8s Secret Get Successfully");
        assertThat(all(RulesSources.of(List.of("bundled")).load()).evaluate(secretRead)).extracting(Alert::rule)
                .contains("K8s Secret Get Successfully");
    }

    @Test
    void aGoodChangeIsReloadedABrokenOneIsRefusedAndTheOldRulesStay() throws IOException {
        PipelineMetrics metrics = PipelineMetrics.inMemory("t");
        try (ReloadingDetector rules = new ReloadingDetector(RulesSources.of(List.of("bundled", rulesD.toString())),
                RulesLayeringTest::all, metrics)) {
            assertThat(rules.reloadIfChanged()).isEqualTo(Outcome.UNCHANGED);

            Files.writeString(rulesD.resolve("30-more.yaml"), """
                    - rule: Secret Read In Default
                      desc: A Secret in default was read.
                      condition: ka.verb=get and ka.target.resource=secrets and ka.target.namespace=default
                      output: Secret read in default (secret=%ka.target.name)
                      priority: WARNING
                      source: k8s_audit
                    """);
            assertThat(rules.reloadIfChanged()).isEqualTo(Outcome.RELOADED);
            assertThat(rules.get().evaluate(secretRead)).extracting(Alert::rule).contains("Secret Read In Default");

            Files.writeString(rulesD.resolve("30-more.yaml"), "- rule: Secret Read In Default\n  condition: ka.verb in (get\n");
            assertThat(rules.reloadIfChanged()).isEqualTo(Outcome.FAILED);
            assertThat(rules.get().evaluate(secretRead)).extracting(Alert::rule).as("the previous rules stay in force")
                    .contains("Secret Read In Default");
            assertThat(rules.get().evaluate(configMapRead)).extracting(Alert::rule).contains("ConfigMap Read");
            assertThat(rules.reloadIfChanged()).as("a broken version is reported once").isEqualTo(Outcome.UNCHANGED);

            Files.delete(rulesD.resolve("30-more.yaml"));
            assertThat(rules.reloadIfChanged()).isEqualTo(Outcome.RELOADED);
            assertThat(rules.get().evaluate(secretRead)).extracting(Alert::rule).doesNotContain("Secret Read In Default");
        }
        assertThat(metrics.count(ReloadingDetector.METRIC, "result", "ok")).isEqualTo(2);
        assertThat(metrics.count(ReloadingDetector.METRIC, "result", "failed")).isEqualTo(1);
    }
}
