package io.auditbridge.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What the CLI checks at start, before a command runs: variables nobody reads, placeholders, env-named errors. */
class StartChecksTest {
    @TempDir
    Path dir;

    @AlsoReadsEnv("AUDITBRIDGE_STORAGE_CONNECTION_STRING")
    @HelpGroup(HelpGroup.Section.SOURCE)
    @Command(name = "run")
    static final class Run implements Callable<Integer> {
        @Option(names = {"--cluster", "--cluster-name"}, paramLabel = "NAME")
        String cluster;

        @Option(names = "--project", paramLabel = "ID")
        String project;

        @Mixin SinkOptions sink;
        @Mixin PipelineOptions pipeline;
        @Mixin LogOptions log;

        boolean ran;

        @Override
        public Integer call() {
            ran = true;
            return 0;
        }
    }

    @Command(name = "test-bridge", subcommands = Run.class)
    static final class Root {}

    private record Result(int exit, String err, String logs, boolean ran) {}

    private Result run(Map<String, String> env, String... args) {
        PrintStream realErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = BridgeCli.commandLine(new Root());
            cl.setDefaultValueProvider(new BridgeCli.EnvDefaults(env));
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            int exit = cl.execute(args);
            Run run = cl.getSubcommands().get("run").getCommand();
            return new Result(exit, err.toString(), logs.toString(StandardCharsets.UTF_8), run.ran);
        } finally {
            System.setErr(realErr);
        }
    }

    @Test
    void aMisspeltVariableIsAWarningNamingTheLikelyOne() {
        Result r = run(Map.of("AUDITBRIDGE_BATCH_MAX_EVENT", "5", "AUDITBRIDGE_SINK", "console", "PATH", "/bin"), "run");
        assertThat(r.exit()).isZero();
        assertThat(r.ran()).isTrue();
        assertThat(r.logs()).contains("WARN").contains("AUDITBRIDGE_BATCH_MAX_EVENT is set but 'test-bridge run' has no such option")
                .contains("did you mean AUDITBRIDGE_BATCH_MAX_EVENTS?");
        assertThat(r.logs()).doesNotContain("AUDITBRIDGE_SINK ").doesNotContain("PATH");
    }

    @Test
    void variablesOfOptionsAliasesAndThoseReadOnPurposeAreNotWarnedAbout() {
        Result r = run(Map.of("AUDITBRIDGE_CLUSTER_NAME", "prod", "AUDITBRIDGE_STORAGE_CONNECTION_STRING", "x",
                "AUDITBRIDGE_LOG_LEVEL", "info", "AUDITBRIDGE_DEAD_LETTER_FILE", dir.resolve("dl").toString()), "run");
        assertThat(r.exit()).isZero();
        assertThat(r.logs()).doesNotContain("is set but");
    }

    @Test
    void aPlaceholderFromTheExamplesIsRefusedNamingTheOptionAndVariable() {
        Result r = run(Map.of("AUDITBRIDGE_PROJECT", "PROJECT_ID"), "run");
        assertThat(r.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(r.ran()).isFalse();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err().strip()).isEqualTo("error: --project (from AUDITBRIDGE_PROJECT): 'PROJECT_ID' is the placeholder from the examples; set a real value");

        Result flag = run(Map.of(), "run", "--cluster", "CLUSTER");
        assertThat(flag.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(flag.err().strip()).startsWith("error: --cluster: 'CLUSTER' is the placeholder");

        Result inside = run(Map.of(), "run", "--sink", "https://falco.REPLACE-WITH-YOUR-DOMAIN/k8s-audit");
        assertThat(inside.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(inside.err()).contains("--sink: 'REPLACE-WITH-YOUR-DOMAIN'");
    }

    @Test
    void aSecretFileStillHoldingTheExamplesPlaceholderIsRefusedWithoutEchoingRealSecrets() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "REPLACE-WITH-A-RANDOM-TOKEN\n"); // deploy's example Secret, applied unchanged
        Result r = run(Map.of("AUDITBRIDGE_SINK_TOKEN_FILE", token.toString()), "run", "--sink", "https://falco:9765/k8s-audit");
        assertThat(r.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(r.err().strip()).isEqualTo("error: --sink-token-file (from AUDITBRIDGE_SINK_TOKEN_FILE): " + token
                + " holds the example placeholder 'REPLACE-WITH-A-RANDOM-TOKEN'; put the real value in it");

        Files.writeString(token, "s3cr3t-REAL-token\n");
        Result ok = run(Map.of("AUDITBRIDGE_SINK_TOKEN_FILE", token.toString()), "run", "--sink", "https://falco:9765/k8s-audit",
                "--dead-letter-file", dir.resolve("dl").toString());
        assertThat(ok.exit()).isZero();
        assertThat(ok.err() + ok.logs()).doesNotContain("s3cr3t");
    }

    @Test
    void aValueFromTheEnvironmentThatDoesNotConvertNamesTheVariable() {
        Result r = run(Map.of("AUDITBRIDGE_BATCH_MAX_EVENTS", "lots"), "run");
        assertThat(r.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("error: ").contains("'--batch-max-events' (from AUDITBRIDGE_BATCH_MAX_EVENTS)").contains("lots");

        Result flag = run(Map.of("AUDITBRIDGE_BATCH_MAX_EVENTS", "lots"), "run", "--batch-max-events", "oops");
        assertThat(flag.err()).contains("--batch-max-events").contains("oops").doesNotContain("AUDITBRIDGE_");
    }

    @Test
    void aVariableOfAnAliasIsNamedWhenItsValueIsBad() {
        Result r = run(Map.of("AUDITBRIDGE_CLUSTER_NAME", "REPLACE-ME"), "run");
        assertThat(r.err().strip()).startsWith("error: --cluster (from AUDITBRIDGE_CLUSTER_NAME): 'REPLACE-ME'");
    }
}
