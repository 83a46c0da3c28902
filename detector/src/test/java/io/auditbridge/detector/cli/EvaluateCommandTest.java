package io.auditbridge.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.detector.DetectorCli;
import io.auditbridge.detector.TestEvents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = BridgeCli.commandLine(new DetectorCli());
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void evaluatesNdjsonAndArraysWithTheRulesFilesAndReportsSkippedElements() throws Exception {
        String secretRead = new String(TestEvents.event("{\"auditID\": \"s-1\", \"objectRef\": {\"resource\": \"secrets\"}}").toJsonBytes(),
                StandardCharsets.UTF_8);
        String nsDelete = new String(TestEvents.event("{\"auditID\": \"n-1\", \"verb\": \"delete\", \"objectRef\": {\"resource\": \"namespaces\"}}")
                .toJsonBytes(), StandardCharsets.UTF_8);
        Path ndjson = Files.writeString(dir.resolve("a.ndjson"), secretRead + "\n" + nsDelete + "\n");
        Path array = Files.writeString(dir.resolve("b.json"), "[" + secretRead + ", {\"kind\": \"Pod\"}]");
        Path alerts = dir.resolve("alerts.ndjson");

        assertThat(run("evaluate", "--alerts", "file:" + alerts, ndjson.toString(), array.toString())).isZero();

        List<String> rules = Files.readAllLines(alerts).stream().map(l -> TestEvents.json(l).get("rule").asText()).toList();
        assertThat(rules).containsExactly("K8s Secret Get Successfully", "K8s Namespace Deleted", "K8s Secret Get Successfully");
        assertThat(err.toString()).contains("skipped " + array + " element 1: kind is Pod, not Event")
                .contains("evaluate: 3 events, 3 alerts, 1 skipped");
    }

    @Test
    void aBrokenRulesFileIsOneLineNamingTheOptionFileAndLine() throws Exception {
        Path rules = Files.writeString(dir.resolve("r.yaml"), "- rule: x\n  condition: ka.verb in (get\n  output: o\n  priority: INFO\n  source: k8s_audit\n");
        Path input = Files.writeString(dir.resolve("e.json"), "[]");

        assertThat(run("evaluate", "--rules", rules.toString(), input.toString())).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(err.toString().strip()).isEqualTo("error: --rules: " + rules + ":2: rule 'x': condition: unclosed list");
    }

    @Test
    void evaluatesEventsWithoutApiVersionOrKindAsFalcoDoes() throws Exception {
        // A recorded trace line without apiVersion, and an item as kube-apiserver's webhook backend encodes it.
        String secretRead = new String(TestEvents.event("{\"auditID\": \"na-1\", \"objectRef\": {\"resource\": \"secrets\"}}").toJsonBytes(),
                StandardCharsets.UTF_8);
        String noApiVersion = secretRead.replace("\"apiVersion\":\"audit.k8s.io/v1\",", "");
        String noTypeMeta = noApiVersion.replace("\"kind\":\"Event\",", "").replace("na-1", "na-2");
        assertThat(noApiVersion).doesNotContain("audit.k8s.io");
        assertThat(noTypeMeta).doesNotContain("\"kind\"");
        Path input = Files.writeString(dir.resolve("trace.ndjson"), noApiVersion + "\n" + noTypeMeta + "\n");
        Path alerts = dir.resolve("alerts.ndjson");

        assertThat(run("evaluate", "--alerts", "file:" + alerts, input.toString())).as(err.toString()).isZero();

        assertThat(Files.readAllLines(alerts)).extracting(l -> TestEvents.json(l).at("/output_fields/ka.auditid").asText())
                .containsExactly("na-1", "na-2");
        assertThat(err.toString()).contains("evaluate: 2 events, 2 alerts, 0 skipped");
    }

    @Test
    void alertsOfALiveInputAreWrittenWhileItWaitsForMore() throws Exception {
        // evaluate writes alerts in batches, but never holds one back while its input is idle (a live pipe).
        String secretRead = new String(TestEvents.event("{\"auditID\": \"live-1\", \"objectRef\": {\"resource\": \"secrets\"}}")
                .toJsonBytes(), StandardCharsets.UTF_8);
        Path alerts = dir.resolve("alerts.ndjson");
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        java.io.InputStream stdin = new java.io.PipedInputStream(feed, 64 * 1024);
        java.io.InputStream saved = System.in;
        System.setIn(stdin);
        try {
            java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> run("evaluate", "--alerts", "file:" + alerts, "-"));
            feed.write((secretRead + "\n").getBytes(StandardCharsets.UTF_8));
            feed.flush();

            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(alerts) && Files.readString(alerts).contains("live-1")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(exit).as("evaluate still reading its open input").isNotDone();
            assertThat(Files.readAllLines(alerts)).hasSize(1).first().asString().contains("\"rule\":\"K8s Secret Get Successfully\"");

            feed.close();
            assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString()).isZero();
            assertThat(err.toString()).contains("evaluate: 1 events, 1 alerts, 0 skipped");
        } finally {
            System.setIn(saved);
        }
    }
}
