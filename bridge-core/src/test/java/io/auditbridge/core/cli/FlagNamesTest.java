package io.auditbridge.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** One name per thing: a renamed flag keeps its old name (and variable) as a hidden alias. */
class FlagNamesTest {
    @Command(name = "run", mixinStandardHelpOptions = true)
    static final class Run {
        @Mixin SinkOptions sink;
    }

    private static Run parse(Map<String, String> env, String... args) {
        Run run = new Run();
        CommandLine cl = BridgeCli.commandLine(run);
        cl.setDefaultValueProvider(new BridgeCli.EnvDefaults(env));
        cl.parseArgs(args);
        return run;
    }

    @Test
    void theSinkClientCertificateIsAFileOptionLikeEveryOtherFileAndTheOldNameStillWorks() {
        assertThat(parse(Map.of(), "--sink-client-cert-file", "/a.pem").sink.clientCert).isEqualTo(Path.of("/a.pem"));
        assertThat(parse(Map.of(), "--sink-client-cert", "/b.pem").sink.clientCert).isEqualTo(Path.of("/b.pem"));
        assertThat(parse(Map.of("AUDITBRIDGE_SINK_CLIENT_CERT", "/c.pem")).sink.clientCert).isEqualTo(Path.of("/c.pem"));
        assertThat(parse(Map.of("AUDITBRIDGE_SINK_CLIENT_CERT_FILE", "/d.pem", "AUDITBRIDGE_SINK_CLIENT_CERT", "/c.pem")).sink.clientCert)
                .as("the new variable wins").isEqualTo(Path.of("/d.pem"));

        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine cl = BridgeCli.commandLine(new Run());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.execute("--help");
        assertThat(out.toString()).contains("--sink-client-cert-file=PEM").doesNotContain("--sink-client-cert=")
                .contains("AUDITBRIDGE_SINK_CLIENT_CERT_FILE");
    }
}
