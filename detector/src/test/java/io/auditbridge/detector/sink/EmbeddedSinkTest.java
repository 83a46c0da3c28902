package io.auditbridge.detector.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventWriter;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.TranslateCommand;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.BatchEvaluator;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.output.AlertOutput;
import io.auditbridge.detector.rules.RulesFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Must show 5: a bridge's {@code translate --sink embedded} evaluates in-process and writes alerts. */
class EmbeddedSinkTest {
    @TempDir
    Path dir;

    @Test
    void translateWithSinkEmbeddedWritesFalcoAlerts() throws Exception {
        Path input = dir.resolve("events.json");
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        EventWriter.writeEventList(list, List.of(
                TestEvents.event("{\"auditID\": \"exec-1\", \"stage\": \"ResponseStarted\", \"verb\": \"create\", \"objectRef\": {\"subresource\": \"exec\"},"
                        + " \"requestURI\": \"/api/v1/namespaces/default/pods/web/exec?command=sh\", \"responseStatus\": {\"code\": 101}}"),
                TestEvents.event("{\"auditID\": \"get-1\"}")));
        Files.write(input, list.toByteArray());
        Path alerts = dir.resolve("alerts.ndjson");

        CommandLine cl = BridgeCli.commandLine(new io.auditbridge.core.testing.PassThroughTranslateCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("--sink", "embedded", "--sink-option", "alerts=file:" + alerts + ",hostname=bridge-1", input.toString());

        assertThat(exit).as(err.toString()).isZero();
        List<String> lines = Files.readAllLines(alerts);
        assertThat(lines).hasSize(1);
        JsonNode alert = TestEvents.json(lines.get(0));
        assertThat(alert.get("rule").asText()).isEqualTo("Attach/Exec Pod");
        assertThat(alert.get("hostname").asText()).isEqualTo("bridge-1");
        assertThat(alert.get("output_fields").get("ka.auditid").asText()).isEqualTo("exec-1");
        assertThat(err.toString()).contains("2 events");
        assertThat(err.toString()).as("the summary counts the embedded detector's alerts").contains(", 1 alerts");
    }

    @Test
    void aFailingAlertOutputMakesTheBatchRetry() throws Exception {
        Detector detector = new Detector(RulesFiles.load(List.of()), "h", Detector.GapListener.NONE);
        AlertOutput broken = new AlertOutput() {
            @Override
            public void publish(List<Alert> a) throws IOException {
                throw new IOException("down");
            }

            @Override
            public String describe() {
                return "broken";
            }
        };
        Event secretRead = TestEvents.event("{\"objectRef\": {\"resource\": \"secrets\"}}");
        try (EmbeddedSink sink = new EmbeddedSink(new BatchEvaluator(detector, broken, PipelineMetrics.inMemory("t")))) {
            assertThat(sink.deliver(List.of(secretRead))).isInstanceOf(DeliveryResult.Retry.class);
        }
    }

    @Test
    void badOptionsNameTheOption() throws Exception {
        EmbeddedSinkProvider p = new EmbeddedSinkProvider();
        PipelineMetrics m = PipelineMetrics.inMemory("t");
        assertThatThrownBy(() -> p.create(Map.of("rule", "x.yaml"), m)).hasMessageStartingWith("unknown option 'rule'");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "- rule: x\n  condition: ka.verb=\n  output: o\n  priority: INFO\n  source: k8s_audit\n");
        assertThatThrownBy(() -> p.create(Map.of("rules", bad.toString()), m))
                .hasMessageStartingWith("rules: " + bad + ":2: rule 'x': condition: missing value");
        assertThatThrownBy(() -> p.create(Map.of("alerts", "kafka://x"), m)).hasMessageStartingWith("alerts: ");
    }
}
