package io.auditbridge.detector.correlation;

import static io.auditbridge.detector.correlation.CorrelationFixture.ev;
import static io.auditbridge.detector.correlation.CorrelationFixture.exec;
import static io.auditbridge.detector.correlation.CorrelationFixture.forbidden;
import static io.auditbridge.detector.correlation.CorrelationFixture.secretGet;
import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.detector.engine.Alert;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorrelationScenarioTest {
    private static final String BURST = """
            - correlation: Forbidden burst
              type: event_count
              rules: [Forbidden]
              group_by: [ka.user.name]
              timespan: 1m
              threshold: {gte: 5}
              output: "%ka.user.name was refused %correlation.count times in %correlation.timespan"
              priority: WARNING
              tags: [k8s, T1069]
            """;

    @Test
    void eventCountFiresOnceWhenTheThresholdIsMetInsideTheTimespan() {
        var f = new CorrelationFixture(BURST);
        for (int i = 0; i < 5; i++) {
            f.feed(forbidden("a" + i, i * 10, "mallory"));
        }
        f.feed(forbidden("other", 5, "alice"), ev("ok", 6, "mallory", "get", "pods", "default"));
        List<Alert> alerts = f.flush();

        assertThat(alerts).hasSize(1);
        Alert a = alerts.get(0);
        assertThat(a.rule()).isEqualTo("Forbidden burst");
        assertThat(a.priority()).isEqualTo("Warning");
        assertThat(a.outputFields()).containsEntry("ka.user.name", "mallory").containsEntry("correlation.count", "5")
                .containsEntry("correlation.auditids", "a0,a1,a2,a3,a4").containsEntry("ka.auditid", "a4")
                .containsEntry("correlation.window_start", "2026-12-01T10:00:00.000000000Z")
                .containsEntry("correlation.window_end", "2026-12-01T10:00:40.000000000Z");
        assertThat(a.output()).isEqualTo("10:00:40.000000000: Warning mallory was refused 5 times in 60s");
        assertThat(a.time()).isEqualTo("2026-12-01T10:00:40.000000000Z");
        assertThat(a.tags()).containsExactly("k8s", "T1069");
        assertThat(a.toJson().get("source").asText()).isEqualTo("k8s_audit");
    }

    @Test
    void eventCountNearMissSpreadOverMoreThanTheTimespanStaysSilent() {
        var f = new CorrelationFixture(BURST);
        for (int i = 0; i < 8; i++) {
            f.feed(forbidden("a" + i, i * 16, "mallory")); // any 60 s hold at most 4
        }
        assertThat(f.flush()).isEmpty();
    }

    @Test
    void valueCountCountsDistinctValuesAndListsThem() {
        var f = new CorrelationFixture("""
                - correlation: Secrets across namespaces
                  type: value_count
                  rules: [Secret Read]
                  group_by: [ka.user.name]
                  field: ka.target.namespace
                  timespan: 10m
                  threshold: {gte: 3}
                  output: "%ka.user.name read secrets in %correlation.count namespaces: %correlation.values"
                  priority: WARNING
                """);
        f.feed(secretGet("s1", 0, "eve", "dev"), secretGet("s2", 30, "eve", "dev"), secretGet("s3", 60, "eve", "prod"),
                secretGet("s4", 61, "bob", "kube-system"), secretGet("s5", 500, "eve", "kube-system"));
        List<Alert> alerts = f.flush();
        assertThat(alerts).extracting(Alert::output)
                .containsExactly("10:08:20.000000000: Warning eve read secrets in 3 namespaces: dev,prod,kube-system");
    }

    @Test
    void valueCountNearMissManyReadsInTwoNamespacesStaysSilent() {
        var f = new CorrelationFixture("""
                - correlation: Secrets across namespaces
                  type: value_count
                  condition: ka.verb in (get, list) and ka.target.resource=secrets
                  group_by: [ka.user.name]
                  field: ka.target.namespace
                  timespan: 10m
                  threshold: {gte: 3}
                  output: "%ka.user.name %correlation.values"
                  priority: WARNING
                """);
        for (int i = 0; i < 20; i++) {
            f.feed(secretGet("s" + i, i, "eve", i % 2 == 0 ? "dev" : "prod"));
        }
        f.feed(secretGet("s20", 620, "eve", "kube-system")); // a third namespace, but dev and prod were last read over 10 min before
        assertThat(f.flush()).isEmpty();
    }

    private static final String EXEC_THEN_SECRET = """
            - correlation: Exec then secret read
              type: temporal_ordered
              rules: [Exec, Secret Read]
              group_by: [ka.user.name]
              timespan: 10m
              output: "%ka.user.name exec'd into a pod, then read a secret (%correlation.auditids)"
              priority: CRITICAL
            """;

    @Test
    void temporalOrderedFiresOnlyForTheStepsInOrderWithinTheTimespan() {
        var inOrder = new CorrelationFixture(EXEC_THEN_SECRET);
        inOrder.feed(exec("e1", 0, "mallory"), secretGet("g1", 300, "mallory", "prod"));
        assertThat(inOrder.flush()).extracting(a -> a.outputFields().get("correlation.auditids")).containsExactly("e1,g1");

        var reversed = new CorrelationFixture(EXEC_THEN_SECRET);
        reversed.feed(secretGet("g1", 0, "mallory", "prod"), exec("e1", 300, "mallory"));
        assertThat(reversed.flush()).isEmpty();

        var tooFarApart = new CorrelationFixture(EXEC_THEN_SECRET);
        tooFarApart.feed(exec("e1", 0, "mallory"), secretGet("g1", 601, "mallory", "prod"));
        assertThat(tooFarApart.flush()).isEmpty();

        var twoUsers = new CorrelationFixture(EXEC_THEN_SECRET);
        twoUsers.feed(exec("e1", 0, "mallory"), secretGet("g1", 10, "alice", "prod"));
        assertThat(twoUsers.flush()).isEmpty();
    }

    @Test
    void temporalFiresForTheStepsInAnyOrder() {
        String rule = EXEC_THEN_SECRET.replace("temporal_ordered", "temporal").replace("Exec then secret read", "Exec and secret read");
        var reversed = new CorrelationFixture(rule);
        reversed.feed(secretGet("g1", 0, "mallory", "prod"), exec("e1", 300, "mallory"));
        assertThat(reversed.flush()).extracting(Alert::rule).containsExactly("Exec and secret read");

        var tooFarApart = new CorrelationFixture(rule);
        tooFarApart.feed(secretGet("g1", 0, "mallory", "prod"), exec("e1", 601, "mallory"));
        assertThat(tooFarApart.flush()).isEmpty();
    }

    @Test
    void closingThresholdsAreJudgedWhenTheWindowIsOver() {
        String exactlyTwo = BURST.replace("{gte: 5}", "{eq: 2}").replace("Forbidden burst", "Exactly two");
        var two = new CorrelationFixture(exactlyTwo);
        two.feed(forbidden("a", 0, "u"), forbidden("b", 30, "u"), forbidden("c", 200, "u"));
        // window 1 [0, 60] holds a and b: met when c passes its end; window 2 holds c alone: not met
        assertThat(two.flush()).extracting(a -> a.outputFields().get("correlation.auditids")).containsExactly("a,b");

        var three = new CorrelationFixture(exactlyTwo);
        three.feed(forbidden("a", 0, "u"), forbidden("b", 30, "u"), forbidden("c", 59, "u"));
        assertThat(three.flush()).isEmpty();
    }

    @Test
    void lateEventsInsideTheAllowedLatenessCountAndOlderOnesAreCountedAsLate() {
        var settings = new CorrelationEngine.Settings(Duration.ofMinutes(2), 100, 1000);
        String threeInAMinute = BURST.replace("{gte: 5}", "{gte: 3}");

        var inside = new CorrelationFixture(threeInAMinute, settings);
        // arrival order: 40 s, 0 s (40 s late, inside 2 min), 20 s
        inside.feed(forbidden("c", 40, "u"), forbidden("a", 0, "u"), forbidden("b", 20, "u"));
        assertThat(inside.flush()).extracting(a -> a.outputFields().get("correlation.auditids")).containsExactly("a,b,c");
        assertThat(inside.metric("auditbridge.correlation.late.events")).isZero();

        var beyond = new CorrelationFixture(threeInAMinute, settings);
        // an unrelated event at 10:05 moves the watermark to 10:03; an event from 10:00:50 is then too late
        beyond.feed(forbidden("a", 0, "u"), forbidden("b", 20, "u"), forbidden("z", 300, "other"),
                forbidden("c", 50, "u"));
        assertThat(beyond.flush()).isEmpty();
        assertThat(beyond.metric("auditbridge.correlation.late.events")).isEqualTo(1);
        // the one-event rules still see it: the detector evaluated it (the base rule is disabled, so no alert)
    }

    @Test
    void aDuplicateOfAnEventCountsOnce() {
        String three = BURST.replace("{gte: 5}", "{gte: 3}");
        var f = new CorrelationFixture(three);
        f.feed(forbidden("a", 0, "u"), forbidden("a", 0, "u"), forbidden("b", 10, "u"), forbidden("b", 10, "u"));
        assertThat(f.flush()).isEmpty();
        assertThat(f.metric("auditbridge.correlation.duplicate.events")).isEqualTo(2);

        var g = new CorrelationFixture(three);
        g.feed(forbidden("a", 0, "u"), forbidden("a", 0, "u"), forbidden("b", 10, "u"), forbidden("c", 20, "u"));
        assertThat(g.flush()).extracting(a -> a.outputFields().get("correlation.count")).containsExactly("3");
    }

    @Test
    void groupsBeyondTheBoundAreEvictedLeastRecentlyUsedFirstAndCounted() {
        var settings = new CorrelationEngine.Settings(Duration.ZERO, 2, 1000);
        String two = BURST.replace("{gte: 5}", "{gte: 2}");
        var f = new CorrelationFixture(two, settings);
        // a, b, c each once: c evicts a; then a again starts over (its first sighting was forgotten)
        f.feed(forbidden("a1", 0, "a"), forbidden("b1", 1, "b"), forbidden("c1", 2, "c"), forbidden("a2", 3, "a"),
                forbidden("c2", 4, "c"));
        List<Alert> alerts = f.flush();
        assertThat(alerts).extracting(a -> a.outputFields().get("ka.user.name")).containsExactly("c");
        assertThat(f.metric("auditbridge.correlation.groups.evicted")).isEqualTo(2);
    }
}
