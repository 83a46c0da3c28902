package io.auditbridge.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

class LogOptionsTest {
    @Test
    void jsonFormatWritesOneJsonObjectPerLineOnStderr() throws Exception {
        PrintStream realErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            LogOptions options = new LogOptions();
            BridgeCli.commandLine(new Object() {
                @CommandLine.Mixin
                LogOptions log = options;
            }).parseArgs("--log-format", "json");
            LoggerFactory.getLogger("io.auditbridge.test").info("hello {}", "json");
        } finally {
            System.setErr(realErr);
            new LogOptions().apply(); // back to text for the other tests
        }
        String line = err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("hello json")).findFirst().orElseThrow();
        JsonNode json = EventJson.MAPPER.readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("formattedMessage").asText()).isEqualTo("hello json");
    }

    @Test
    void aBadLevelNamesTheOption() {
        var cl = BridgeCli.commandLine(new Object() {
            @CommandLine.Mixin
            LogOptions log = new LogOptions();
        });
        java.io.StringWriter sw = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(sw, true));
        assertThat(cl.execute("--log-level", "loud")).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(sw.toString().strip()).contains("--log-level").contains("loud");
    }
}
