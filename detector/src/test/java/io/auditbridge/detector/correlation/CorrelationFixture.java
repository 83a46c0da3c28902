package io.auditbridge.detector.correlation;

import io.auditbridge.core.Event;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.engine.EngineOptions;
import io.auditbridge.detector.engine.RuleMatching;
import io.auditbridge.detector.engine.RuleSelection;
import io.auditbridge.detector.rules.RuleSet;
import io.auditbridge.detector.rules.RulesLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A detector with a few base rules (disabled as alerts) and the correlations under test, fed events by hand. */
final class CorrelationFixture {
    static final String BASE_RULES = """
            - rule: Forbidden
              desc: a request the authorizer refused
              condition: ka.response.code=403
              output: forbidden %ka.user.name
              priority: NOTICE
              source: k8s_audit
              enabled: false
            - rule: Secret Read
              desc: a secret read
              condition: ka.verb in (get, list) and ka.target.resource=secrets
              output: secret read by %ka.user.name
              priority: NOTICE
              source: k8s_audit
              enabled: false
            - rule: Exec
              desc: an exec into a pod
              condition: ka.target.resource=pods and ka.target.subresource=exec
              output: exec by %ka.user.name
              priority: NOTICE
              source: k8s_audit
              enabled: false
            - rule: Pod Create
              desc: a pod created
              condition: ka.verb=create and ka.target.resource=pods and not ka.target.subresource exists
              output: pod by %ka.user.name
              priority: NOTICE
              source: k8s_audit
              enabled: false
            - rule: Admin Binding
              desc: a cluster role binding created
              condition: ka.verb=create and ka.target.resource=clusterrolebindings
              output: binding by %ka.user.name
              priority: NOTICE
              source: k8s_audit
              enabled: false
            """;
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    final PipelineMetrics metrics = PipelineMetrics.inMemory("test");
    final Detector detector;
    final CorrelationEngine engine;
    final List<Alert> alerts = new ArrayList<>();

    CorrelationFixture(String correlations) {
        this(correlations, CorrelationEngine.Settings.DEFAULT);
    }

    CorrelationFixture(String correlations, CorrelationEngine.Settings settings) {
        this(BASE_RULES, settings, correlations);
    }

    /** @param correlationFiles texts of correlation files, loaded in order */
    CorrelationFixture(String rulesText, CorrelationEngine.Settings settings, String... correlationFiles) {
        RuleSet rules = new RulesLoader().load("base.yaml", rulesText).build();
        CorrelationLoader loader = new CorrelationLoader();
        for (int i = 0; i < correlationFiles.length; i++) {
            loader.load("test-" + i + ".correlations.yaml", correlationFiles[i]);
        }
        List<CorrelationRule> compiled = loader.compile(rules);
        engine = new CorrelationEngine(compiled, rules.fields(), settings, "h", metrics);
        detector = new Detector(rules, new EngineOptions(RuleMatching.ALL, RuleSelection.ALL, List.of(), "h"),
                Detector.GapListener.NONE, engine);
    }

    CorrelationFixture feed(Event... events) {
        for (Event e : events) {
            detector.evaluate(e, alerts::add);
        }
        return this;
    }

    List<Alert> flush() {
        detector.flush(alerts::add);
        return alerts;
    }

    double metric(String name) {
        return metrics.count(name);
    }

    /** An event {@code seconds} after T0. */
    static Event ev(String auditId, long seconds, String user, String verb, String resource, String namespace) {
        return ev(auditId, seconds, user, verb, resource, namespace, null, 200);
    }

    static Event ev(String auditId, long seconds, String user, String verb, String resource, String namespace,
                    String subresource, int code) {
        String time = T0.plus(Duration.ofSeconds(seconds)).toString();
        return TestEvents.event("""
                {"auditID": "%s", "stage": "ResponseComplete", "stageTimestamp": "%s", "requestReceivedTimestamp": "%s",
                 "user": {"username": "%s"}, "verb": "%s",
                 "objectRef": {"resource": "%s", "namespace": "%s", "name": "x", "subresource": %s},
                 "responseStatus": {"code": %d}}
                """.formatted(auditId, time, time, user, verb, resource, namespace,
                subresource == null ? "null" : "\"" + subresource + "\"", code));
    }

    /** An event {@code seconds} after T0 from a JSON merge patch; {@code %t} in it stands for the time. */
    static Event patched(long seconds, String patchJson) {
        String time = T0.plus(Duration.ofSeconds(seconds)).toString();
        return TestEvents.event(patchJson.replace("%t", time));
    }

    static Event forbidden(String auditId, long seconds, String user) {
        return ev(auditId, seconds, user, "list", "nodes", "default", null, 403);
    }

    static Event secretGet(String auditId, long seconds, String user, String namespace) {
        return ev(auditId, seconds, user, "get", "secrets", namespace);
    }

    static Event exec(String auditId, long seconds, String user) {
        return ev(auditId, seconds, user, "create", "pods", "default", "exec", 101);
    }
}
