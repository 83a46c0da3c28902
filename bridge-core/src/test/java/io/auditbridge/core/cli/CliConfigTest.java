package io.auditbridge.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CliConfigTest {
    @TempDir
    Path dir;

    @Command(name = "test-bridge", mixinStandardHelpOptions = true, versionProvider = BridgeCli.ManifestVersion.class,
            subcommands = io.auditbridge.core.testing.PassThroughTranslateCommand.class)
    static final class Root {}

    private record Result(int exit, String out, String err) {}

    private Result run(Map<String, String> env, String... args) {
        CommandLine cl = BridgeCli.commandLine(new Root());
        cl.setDefaultValueProvider(new BridgeCli.EnvDefaults(env::get));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        PrintStream realOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = cl.execute(args);
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(realOut);
        }
    }

    @Test
    void envVariableNamesFollowTheOptionNames() {
        assertThat(BridgeCli.envName("--sink-token-file")).isEqualTo("AUDITBRIDGE_SINK_TOKEN_FILE");
        assertThat(BridgeCli.envName("--batch-max-events")).isEqualTo("AUDITBRIDGE_BATCH_MAX_EVENTS");
    }

    @Test
    void aBadValueFailsWithOneLineNamingTheOption() {
        Result r = run(Map.of(), "translate", "--batch-max-events", "lots", "x.json");
        assertThat(r.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("error: ").contains("--batch-max-events").contains("lots");
    }

    @Test
    void aBadValueFromTheEnvironmentIsReportedTheSameWay() throws Exception {
        Path f = dir.resolve("in.json");
        Files.writeString(f, "{}");
        Result r = run(Map.of("AUDITBRIDGE_BATCH_MAX_BYTES", "20GiB"), "translate", f.toString());
        assertThat(r.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("error: --batch-max-bytes (from AUDITBRIDGE_BATCH_MAX_BYTES): ");
    }

    @Test
    void anUnknownSinkIsAConfigError() throws Exception {
        Path f = dir.resolve("in.json");
        Files.writeString(f, "{}");
        Result r = run(Map.of("AUDITBRIDGE_SINK", "kafka://x"), "translate", f.toString());
        assertThat(r.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(r.err().strip()).startsWith("error: --sink (from AUDITBRIDGE_SINK): must be an http(s) URL, 'console' or 'embedded'");
    }

    @Test
    void translateWritesNdjsonInInputOrderAndASummaryWithRecordErrors() throws Exception {
        Path good = dir.resolve("good.ndjson");
        Files.writeString(good, io.auditbridge.core.testing.SampleEvents.ndjson(1, 3));
        Path mixed = dir.resolve("mixed.json");
        Files.writeString(mixed, "[" + io.auditbridge.core.testing.SampleEvents.json(4) + ",{\"kind\":\"Pod\"}]");
        Result r = run(Map.of(), "translate", "--dead-letter-file", dir.resolve("dl.ndjson").toString(),
                good.toString(), mixed.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().map(l -> l.substring(l.indexOf("\"auditID\":\"") + 11, l.indexOf("\"auditID\":\"") + 47)))
                .containsExactly(io.auditbridge.core.testing.SampleEvents.auditId(1), io.auditbridge.core.testing.SampleEvents.auditId(2),
                        io.auditbridge.core.testing.SampleEvents.auditId(3), io.auditbridge.core.testing.SampleEvents.auditId(4));
        assertThat(r.err()).contains("test: 4 events, 1 record errors, 0 skipped, 0 deduplicated; 4 delivered");
    }

    @Test
    void versionAndHelpWork() {
        Result v = run(Map.of(), "--version");
        assertThat(v.exit()).isZero();
        Result h = run(Map.of(), "translate", "--help");
        assertThat(h.exit()).isZero();
    }
}
