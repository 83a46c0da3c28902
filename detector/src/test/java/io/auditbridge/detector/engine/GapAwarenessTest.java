package io.auditbridge.detector.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.Event;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.rules.RulesFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A rule that needs a field the event declares missing is counted as not evaluated, not silently quiet. */
class GapAwarenessTest {
    private final PipelineMetrics metrics = PipelineMetrics.inMemory("test");
    private final List<String> gaps = new ArrayList<>();
    private final Detector detector = new Detector(RulesFiles.load(List.of()), "h", (rule, event, missing) -> {
        gaps.add(rule.name() + " " + missing);
        new GapReporter(metrics, true).notEvaluated(rule, event, missing);
    });

    private static Event kubeSystemPodWithoutBody() {
        Event e = TestEvents.event("{\"verb\": \"create\", \"objectRef\": {\"namespace\": \"kube-system\"}, \"responseStatus\": {\"code\": 201}}");
        return e.declareMissing("requestObject");
    }

    @Test
    void rulesThatReadTheMissingBodyAreCountedNotFired() {
        List<String> fired = detector.evaluate(kubeSystemPodWithoutBody()).stream().map(Alert::rule).toList();

        assertThat(fired).doesNotContain("Pod Created in Kube Namespace", "Create Privileged Pod");
        assertThat(gaps).containsExactlyInAnyOrder(
                "Create Privileged Pod [requestObject]", "Create Sensitive Mount Pod [requestObject]",
                "Create HostNetwork Pod [requestObject]", "Create HostPid Pod [requestObject]",
                "Create HostIPC Pod [requestObject]", "Pod Created in Kube Namespace [requestObject]");
        assertThat(metrics.count(GapReporter.METRIC, "rule", "Pod Created in Kube Namespace")).isEqualTo(1.0);
        assertThat(metrics.count(GapReporter.METRIC)).isEqualTo(6.0);
    }

    @Test
    void withoutTheDeclarationFalcoSemanticsApply() {
        Event e = TestEvents.event("{\"verb\": \"create\", \"objectRef\": {\"namespace\": \"kube-system\"}, \"responseStatus\": {\"code\": 201}}");
        // No body and no declaration: "not images in (allow-list)" is true, as in Falco.
        assertThat(detector.evaluate(e)).extracting(Alert::rule).contains("Pod Created in Kube Namespace");
        assertThat(gaps).isEmpty();
    }

    @Test
    void aRuleDecidedWithoutTheMissingFieldIsNotCounted() {
        Event secretRead = TestEvents.event("{\"objectRef\": {\"resource\": \"secrets\", \"name\": \"db\"}}").declareMissing("requestObject");
        assertThat(detector.evaluate(secretRead)).extracting(Alert::rule).containsExactly("K8s Secret Get Successfully");
        assertThat(gaps).isEmpty();
    }

    @Test
    void aMissingQueryMakesOnlyTheExecCommandUnknown() {
        Event exec = TestEvents.event("{\"stage\": \"ResponseStarted\", \"verb\": \"create\", \"objectRef\": {\"subresource\": \"exec\"},"
                + " \"requestURI\": \"/api/v1/namespaces/default/pods/web/exec\"}").declareMissing("requestURI.query");
        List<Alert> alerts = detector.evaluate(exec);
        assertThat(alerts).extracting(Alert::rule).containsExactly("Attach/Exec Pod");
        assertThat(alerts.get(0).outputFields()).containsEntry("ka.uri.param[command]", null);
        assertThat(gaps).isEmpty();
        assertThat(Set.copyOf(exec.missingFields())).containsExactly("requestURI.query");
    }
}
