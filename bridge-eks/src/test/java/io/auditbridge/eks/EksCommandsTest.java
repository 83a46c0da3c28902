package io.auditbridge.eks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.cli.BridgeCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user runs it: translate over every input shape, and configuration errors. */
class EksCommandsTest {
    @TempDir
    Path tmp;

    private record Run(int exit, List<JsonNode> events, String err) {}

    private Run run(String... args) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cl = BridgeCli.commandLine(new EksBridge());
            cl.setErr(new PrintWriter(err, true));
            exit = cl.execute(args);
        } finally {
            System.setOut(stdout);
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                events.add(EventJson.MAPPER.readTree(line));
            }
        }
        return new Run(exit, events, err.toString());
    }

    @Test
    void translateReadsEveryShapeInOneRun() throws Exception {
        Path lambda = tmp.resolve("lambda-event.json");
        Files.writeString(lambda, AuditFixtures.lambdaEvent(AuditFixtures.dataMessage(AuditFixtures.AUDIT_STREAM,
                new String[] {"1", AuditFixtures.auditLine("from-lambda")})));
        Path gz = tmp.resolve("lines.ndjson.gz");
        Files.write(gz, AuditFixtures.gzip(AuditFixtures.auditLine("from-gzip") + "\n"));

        Run r = run("translate", "--cluster", "prod-eks-01", "--dead-letter-file", tmp.resolve("dl.ndjson").toString(),
                "src/test/resources/eks/filter-log-events.json", "src/test/resources/eks/audit-lines.ndjson",
                lambda.toString(), gz.toString());

        assertThat(r.exit()).isZero();
        // Page: 2 audit events, 1 foreign stream, 1 truncated; lines: the same 2 (deduplicated), 4 bad.
        assertThat(r.events()).extracting(e -> e.get("auditID").asText()).containsExactly(
                "8c1f7c2e-2b1a-4b7e-9f11-0a3c5d9e1f01", "3d5e8a90-1c2b-4d3e-8f4a-5b6c7d8e9f02", "from-lambda", "from-gzip");
        assertThat(r.events()).allSatisfy(e -> assertThat(e.path("annotations").path("cluster_name").asText()).isEqualTo("prod-eks-01"));
        assertThat(r.err()).contains("eks: 4 events, 5 record errors, 1 skipped, 2 deduplicated");
    }

    @Test
    void badConfigurationIsOneLineNamingTheOption() throws Exception {
        Run noCluster = run("run", "--sink", "console", "--metrics-port", "-1");
        assertThat(noCluster.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(noCluster.err().strip()).startsWith("error: --cluster:").doesNotContain("\n");

        Run tooFast = run("run", "--cluster", "prod", "--max-requests-per-second", "6", "--sink", "console", "--metrics-port", "-1");
        assertThat(tooFast.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(tooFast.err()).contains("--max-requests-per-second");

        Run noKey = run("run", "--source", "firehose", "--sink", "console", "--metrics-port", "-1");
        assertThat(noKey.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(noKey.err()).contains("--firehose-access-key-file");

        Run badRange = run("backfill", "--cluster", "prod", "--since", "1h", "--until", "2h", "--sink", "console");
        assertThat(badRange.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(badRange.err()).contains("--until");
    }
}
