package io.auditbridge.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.detector.Upstream;
import io.auditbridge.detector.engine.CompiledRule;
import org.junit.jupiter.api.Test;

class UpstreamRulesLoadTest {
    @Test
    void loadsTheUpstreamFileUnmodified() {
        RuleSet rules = new RulesLoader().load(Upstream.rulesFile()).build();

        assertThat(rules.rules()).hasSize(48);
        assertThat(rules.rules()).allMatch(CompiledRule::enabled);
        assertThat(rules.rules()).extracting(CompiledRule::name)
                .contains("Disallowed K8s User", "Attach/Exec Pod", "port-forward", "Untrusted Node Unsuccessfully Tried to Join the Cluster");
        assertThat(rules.rules().stream().filter(r -> r.name().equals("K8s Secret Get Successfully")).findFirst().orElseThrow()
                .priority()).isEqualTo(Priority.ERROR);
        assertThat(rules.notices()).isEmpty();
    }
}
