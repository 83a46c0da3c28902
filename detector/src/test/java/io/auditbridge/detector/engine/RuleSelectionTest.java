package io.auditbridge.detector.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.Event;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.detector.DetectorCli;
import io.auditbridge.detector.TestEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Falco's rule selection through the evaluate command: -D (name substring), -T (tag off), -t (only a tag),
 * --min-priority and falco.yaml's priority, on the three rules of three-rules.yaml
 * (Secret Read: WARNING [k8s, secrets]; Any Get Request: NOTICE [k8s, reads]; Audit Trail Record: INFO [audit]).
 */
class RuleSelectionTest {
    @TempDir
    Path dir;
    Path rules;
    Path input;
    StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/matching/three-rules.yaml")) {
            rules = Files.write(dir.resolve("three-rules.yaml"), in.readAllBytes());
        }
        Event secretRead = TestEvents.event("{\"auditID\": \"sel-1\", \"objectRef\": {\"resource\": \"secrets\", \"name\": \"db\"}}");
        input = Files.write(dir.resolve("e.json"), secretRead.toJsonBytes());
    }

    @Test
    void disableByNameSubstringOrExactName() throws IOException {
        assertThat(fired("--rule-matching", "all", "-D", "Get")).containsExactly("Secret Read", "Audit Trail Record");
        assertThat(fired("--rule-matching", "all", "--disable-rule", "Secret Read", "-D", "Trail"))
                .containsExactly("Any Get Request");
        assertThat(fired("-D", "Secret")).as("with 'first', the next rule in load order then raises the alert")
                .containsExactly("Any Get Request");
    }

    @Test
    void disableByTag() throws IOException {
        assertThat(fired("--rule-matching", "all", "-T", "secrets")).containsExactly("Any Get Request", "Audit Trail Record");
        assertThat(fired("--rule-matching", "all", "-T", "k8s")).containsExactly("Audit Trail Record");
    }

    @Test
    void enableOnlyATag() throws IOException {
        assertThat(fired("--rule-matching", "all", "-t", "reads")).containsExactly("Any Get Request");
        assertThat(fired("--rule-matching", "all", "-t", "audit", "-t", "secrets")).containsExactly("Secret Read", "Audit Trail Record");
    }

    @Test
    void minimumPriorityFromTheFlagOrFalcoYaml() throws IOException {
        assertThat(fired("--rule-matching", "all", "--min-priority", "notice")).containsExactly("Secret Read", "Any Get Request");
        assertThat(fired("--rule-matching", "all", "--min-priority", "WARNING")).containsExactly("Secret Read");
        Path yaml = Files.writeString(dir.resolve("falco.yaml"), "rule_matching: all\npriority: notice\n");
        assertThat(fired("--config", yaml.toString())).containsExactly("Secret Read", "Any Get Request");
        assertThat(fired("--rule-matching", "all", "--min-priority", "debug")).hasSize(3);
    }

    @Test
    void enablingByTagCannotBeMixedWithDisablingAsInFalco() {
        assertThat(run("evaluate", "--rules", rules.toString(), "-t", "audit", "-D", "Get", input.toString())).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(err.toString()).contains("error: --enable-tag: rules cannot be both enabled by tag (-t) and disabled (-D/-T)");
        assertThat(run("evaluate", "--rules", rules.toString(), "--min-priority", "loud", input.toString())).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(err.toString()).contains("error: --min-priority: unknown priority 'loud'");
    }

    private List<String> fired(String... args) throws IOException {
        Path alerts = Files.createTempFile(dir, "alerts", ".ndjson");
        List<String> all = new ArrayList<>(List.of("evaluate", "--rules", rules.toString(), "--alerts", "file:" + alerts));
        all.addAll(List.of(args));
        all.add(input.toString());
        assertThat(run(all.toArray(String[]::new))).as(err.toString()).isZero();
        return RuleMatchingTest.rulesIn(alerts);
    }

    private int run(String... args) {
        var cl = BridgeCli.commandLine(new DetectorCli());
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }
}
