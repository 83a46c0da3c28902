package io.auditbridge.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

class LogOptionsTest {
    /** Runs {@code body} with logs in {@code format}, returning what reached stderr. */
    private static String stderrWith(String format, Consumer<PrintWriter> body) {
        PrintStream realErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream captured = new PrintStream(err, true, StandardCharsets.UTF_8);
        System.setErr(captured);
        try {
            BridgeCli.commandLine(new Object() {
                @CommandLine.Mixin
                LogOptions log = new LogOptions();
            }).parseArgs("--log-format", format);
            PrintWriter w = new PrintWriter(captured, true);
            body.accept(w);
            w.flush();
        } finally {
            System.setErr(realErr);
            new LogOptions().apply(); // back to text for the other tests
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode lineContaining(String out, String text) throws Exception {
        String line = out.lines().filter(l -> l.contains(text)).findFirst().orElseThrow(() -> new AssertionError(text + " in " + out));
        return EventJson.MAPPER.readTree(line);
    }

    @Test
    void jsonLinesCarryTimeLevelSeverityMessageLoggerAndTheMessagesFieldsAsKeys() throws Exception {
        String out = stderrWith("json", w -> LoggerFactory.getLogger("io.auditbridge.core.pipeline.Pipeline")
                .warn("record error source={} code={} record={} auditID={} partition={}: {}", "eks", "bad_json",
                        "log-stream-1/49612", "0b8c-4d", 3, "unexpected end"));
        JsonNode json = lineContaining(out, "record error");
        assertThat(Instant.parse(json.path("time").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(json.path("time").asText()).endsWith("Z");
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("severity").asText()).isEqualTo("WARNING"); // Cloud Logging's LogSeverity name
        assertThat(json.path("message").asText())
                .isEqualTo("record error source=eks code=bad_json record=log-stream-1/49612 auditID=0b8c-4d partition=3: unexpected end");
        assertThat(json.path("logger").asText()).isEqualTo("io.auditbridge.core.pipeline.Pipeline");
        assertThat(json.path("source").asText()).isEqualTo("eks");
        assertThat(json.path("record").asText()).isEqualTo("log-stream-1/49612");
        assertThat(json.path("auditID").asText()).isEqualTo("0b8c-4d");
        assertThat(json.path("partition").isNumber()).isTrue();
        assertThat(json.has("@version")).isFalse();
    }

    @Test
    void aFieldWithoutAValueIsLeftOutOfTheJsonNotWrittenAsTheStringNull() throws Exception {
        String out = stderrWith("json", w -> LoggerFactory.getLogger("io.auditbridge.core.pipeline.Pipeline")
                .warn("record error source={} code={} record={} auditID={}: {}", "eks", "invalid_json", "f.ndjson:2", null, "truncated"));
        JsonNode json = lineContaining(out, "record error");
        assertThat(json.path("record").asText()).isEqualTo("f.ndjson:2");
        assertThat(json.has("auditID")).as("no auditID key when none could be recovered: " + json).isFalse();
    }

    @Test
    void javaUtilLoggingOfTheSdksGoesThroughTheSameEncoder() throws Exception {
        // gRPC and google-http-client log through java.util.logging
        String out = stderrWith("json", w -> Logger.getLogger("io.grpc.internal.ManagedChannelImpl").warning("channel shut down"));
        JsonNode json = lineContaining(out, "channel shut down");
        assertThat(json.path("logger").asText()).isEqualTo("io.grpc.internal.ManagedChannelImpl");
        assertThat(json.path("severity").asText()).isEqualTo("WARNING");
    }

    @Test
    void summaryAndErrorLinesFollowTheChosenFormat() throws Exception {
        String json = stderrWith("json", w -> {
            CliOutput.summary(w, "translate: 3 events, 1 record errors", Map.of("events", 3, "recordErrors", 1));
            CliOutput.error(w, "--sink: not a valid URL");
        });
        JsonNode summary = lineContaining(json, "translate: 3 events");
        assertThat(summary.path("logger").asText()).isEqualTo("auditbridge.summary");
        assertThat(summary.path("events").asInt()).isEqualTo(3);
        assertThat(summary.path("recordErrors").asInt()).isEqualTo(1);
        JsonNode error = lineContaining(json, "not a valid URL");
        assertThat(error.path("severity").asText()).isEqualTo("ERROR");
        assertThat(error.path("message").asText()).isEqualTo("--sink: not a valid URL");

        String text = stderrWith("text", w -> {
            CliOutput.summary(w, "translate: 3 events, 1 record errors", Map.of("events", 3));
            CliOutput.error(w, "--sink: not a valid URL");
        });
        assertThat(text.lines().toList()).containsExactly("translate: 3 events, 1 record errors", "error: --sink: not a valid URL");
    }

    @Test
    void aBadLevelNamesTheOption() {
        var cl = BridgeCli.commandLine(new Object() {
            @CommandLine.Mixin
            LogOptions log = new LogOptions();
        });
        StringWriter sw = new StringWriter();
        cl.setErr(new PrintWriter(sw, true));
        assertThat(cl.execute("--log-level", "loud")).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(sw.toString().strip()).contains("--log-level").contains("loud");
        assertThat(List.of(sw.toString().strip().split("\n"))).hasSize(1);
    }
}
