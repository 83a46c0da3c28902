package io.auditbridge.detector.output;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.Sink;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.DetectorCli;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.sink.EmbeddedSinkProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several outputs at once (file, program, http), one of them failing for real: an HTTP receiver that answers
 * 500 or resets the connection (WireMock), a program that exits 1. The healthy outputs get every alert; the
 * failing one is retried, then either drops with a count (on-failure=drop) or fails the batch so it is
 * retried and nothing is lost (on-failure=block, the default).
 */
class SeveralOutputsTest {
    @TempDir
    Path dir;
    private final WireMockServer receiver = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private final StringWriter err = new StringWriter();
    private Event secretRead;

    @BeforeEach
    void setUp() {
        receiver.start();
        secretRead = TestEvents.event("{\"auditID\": \"o-1\", \"objectRef\": {\"resource\": \"secrets\", \"name\": \"db\"}}");
    }

    @AfterEach
    void tearDown() {
        receiver.stop();
    }

    @Test
    void aFailingDropOutputIsRetriedCountedAndTheOthersGetEveryAlert() throws Exception {
        receiver.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(500)));
        Path file = dir.resolve("alerts.ndjson");
        Path piped = dir.resolve("piped.ndjson");
        Path config = Files.writeString(dir.resolve("falco.yaml"), """
                file_output:
                  enabled: true
                  filename: %s
                program_output:
                  enabled: true
                  program: cat >> %s
                http_output:
                  enabled: true
                  url: http://127.0.0.1:%d/
                  on_failure: drop
                  retries: 1
                """.formatted(file, piped, receiver.port()));
        Path input = Files.write(dir.resolve("e.json"), secretRead.toJsonBytes());

        assertThat(run("evaluate", "--config", config.toString(), input.toString())).as(err.toString()).isZero();

        assertThat(Files.readAllLines(file)).hasSize(1).allSatisfy(l -> assertThat(l).contains("\"rule\":\"K8s Secret Get Successfully\""));
        assertThat(Files.readAllLines(piped)).as("program_output: the alert's JSON on the command's stdin")
                .isEqualTo(Files.readAllLines(file));
        receiver.verify(2, postRequestedFor(urlEqualTo("/")));
        assertThat(err.toString()).contains("1 alerts dropped by outputs");
    }

    @Test
    void aFailingBlockOutputFailsTheBatchSoItIsRetriedAndNothingIsLost() throws Exception {
        receiver.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        Path file = dir.resolve("alerts.ndjson");
        PipelineMetrics metrics = PipelineMetrics.inMemory("t");
        try (Sink sink = new EmbeddedSinkProvider().create(Map.of("alerts", "file:" + file + ";http://127.0.0.1:" + receiver.port() + "/",
                "alerts-retries", "1", "watch-rules", "false"), metrics)) {
            assertThat(sink.deliver(List.of(secretRead))).as("the socket resets: back-pressure").isInstanceOf(DeliveryResult.Retry.class);
            assertThat(Files.readAllLines(file)).as("the healthy output is not held back").hasSize(1);

            receiver.resetAll();
            receiver.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200)));
            assertThat(sink.deliver(List.of(secretRead))).isEqualTo(DeliveryResult.DELIVERED);
        }
        receiver.verify(1, postRequestedFor(urlEqualTo("/")));
        assertThat(Files.readAllLines(file)).as("at-least-once: the retried batch is written again").hasSize(2);
        assertThat(metrics.count("auditbridge.detector.output.failures")).isEqualTo(2);
        assertThat(metrics.count("auditbridge.detector.alerts.dropped")).isZero();
    }

    @Test
    void aProgramThatFailsStopsEvaluateWithExit1WhenBlocking() throws Exception {
        Path file = dir.resolve("alerts.ndjson");
        Path input = Files.write(dir.resolve("e.json"), secretRead.toJsonBytes());
        assertThat(run("evaluate", "--alerts", "file:" + file, "--alerts", "program:exit 3", "--alerts-retries", "0", input.toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("alert output failed, evaluation stopped: program: program output: the command exited with 3");
        assertThat(Files.readAllLines(file)).hasSize(1);
    }

    private int run(String... args) {
        var cl = BridgeCli.commandLine(new DetectorCli());
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }
}
