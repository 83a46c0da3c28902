package io.auditbridge.detector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.detector.engine.RuleMatching;
import io.auditbridge.detector.output.FailurePolicy;
import io.auditbridge.detector.rules.Priority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The falco.yaml keys the detector reads, as Falco's reference documents them, plus the keys it ignores. */
class FalcoYamlTest {
    @TempDir
    Path dir;

    @Test
    void readsTheMirroredKeysExpandsVariablesAndIgnoresTheRest() throws Exception {
        Path file = Files.writeString(dir.resolve("falco.yaml"), """
                rules_files:
                  - bundled
                  - /etc/auditbridge/rules.d
                rule_matching: all
                priority: warning
                watch_config_files: false
                json_output: true
                append_output:
                  - match:
                      tag: k8s
                    extra_output: "on ${CLUSTER}"
                    extra_fields:
                      - home: "${HOME_DIR}"
                      - ka.user.name
                stdout_output:
                  enabled: true
                file_output:
                  enabled: false
                  filename: /tmp/never
                http_output:
                  enabled: true
                  url: http://sidekick:2801/
                  on_failure: drop
                  retries: 7
                program_output:
                  enabled: true
                  keep_alive: true
                  program: "jq -c ."
                plugins:
                  - name: k8saudit
                load_plugins: [k8saudit, json]
                """);
        DetectorSettings s = new DetectorSettings();
        FalcoYaml.apply(file, s, Map.of("CLUSTER", "prod-eu", "HOME_DIR", "/root")::get);

        assertThat(s.rules).containsExactly("bundled", "/etc/auditbridge/rules.d");
        assertThat(s.matching).isEqualTo(RuleMatching.ALL);
        assertThat(s.minPriority).isEqualTo(Priority.WARNING);
        assertThat(s.watchRules).isFalse();
        assertThat(s.appendOutput).singleElement().satisfies(a -> {
            assertThat(a.tag()).isEqualTo("k8s");
            assertThat(a.extraOutput()).isEqualTo("on prod-eu");
            assertThat(a.extraFields()).containsExactly(Map.of("home", "/root"), "ka.user.name");
        });
        assertThat(s.outputs).containsExactly(
                new OutputSpec("stdout", FailurePolicy.BLOCK, 3, false),
                new OutputSpec("http://sidekick:2801/", FailurePolicy.DROP, 7, false),
                new OutputSpec("program:jq -c .", FailurePolicy.BLOCK, 3, true));
    }

    @Test
    void aBadValueNamesTheFileAndKey() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "rule_matching: sometimes\n");
        assertThatThrownBy(() -> FalcoYaml.apply(file, new DetectorSettings()))
                .hasMessage(file + ": rule_matching: rule matching must be 'first' or 'all', not 'sometimes'");
        Path noUrl = Files.writeString(dir.resolve("nourl.yaml"), "http_output:\n  enabled: true\n");
        assertThatThrownBy(() -> FalcoYaml.apply(noUrl, new DetectorSettings()))
                .hasMessage(noUrl + ": http_output: 'url' is required when enabled");
        Path badMatch = Files.writeString(dir.resolve("match.yaml"), "append_output:\n  - match:\n      rules: x\n");
        assertThatThrownBy(() -> FalcoYaml.apply(badMatch, new DetectorSettings()))
                .hasMessage(badMatch + ": append_output: match: unknown key 'rules' (source, tag, rule)");
    }
}
