package io.auditbridge.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.http.HttpReceiverConfig;
import io.auditbridge.core.testing.HelpCheck;
import io.auditbridge.detector.DetectorCli;
import io.auditbridge.detector.TestEvents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code detector serve} on the receivers' shared options: the shared flags and the detector's old names (and
 * their variables) give the same listener; it refuses to start unauthenticated unless told to, as the OpenShift
 * receiver does.
 */
class ServeReceiverOptionsTest {
    @TempDir
    Path dir;

    private HttpReceiverConfig parse(Map<String, String> env, String... args) {
        ServeCommand serve = new ServeCommand();
        CommandLine cl = BridgeCli.commandLine(serve);
        cl.setDefaultValueProvider(new BridgeCli.EnvDefaults(env));
        cl.parseArgs(args);
        return serve.config();
    }

    @Test
    void sharedFlagsOldFlagsAndTheirVariablesGiveTheSameListener() throws Exception {
        HeldCertificate cert = new HeldCertificate.Builder().addSubjectAlternativeName("127.0.0.1").build();
        String crt = Files.writeString(dir.resolve("tls.crt"), cert.certificatePem()).toString();
        String key = Files.writeString(dir.resolve("tls.key"), cert.privateKeyPkcs8Pem()).toString();
        String ca = Files.writeString(dir.resolve("ca.crt"), cert.certificatePem()).toString();
        String token = Files.writeString(dir.resolve("token"), "t0ken").toString();

        HttpReceiverConfig shared = parse(Map.of(), "--listen-host", "127.0.0.1", "--listen-port", "17765",
                "--auth-token-file", token, "--tls-cert-file", crt, "--tls-key-file", key, "--tls-client-ca-file", ca,
                "--max-body-size", "8MiB");
        HttpReceiverConfig old = parse(Map.of(), "--host", "127.0.0.1", "--port", "17765",
                "--token-file", token, "--tls-cert", crt, "--tls-key", key, "--tls-client-ca", ca, "--max-body-bytes", "8388608");
        HttpReceiverConfig sharedEnv = parse(Map.of("AUDITBRIDGE_LISTEN_HOST", "127.0.0.1", "AUDITBRIDGE_LISTEN_PORT", "17765",
                "AUDITBRIDGE_AUTH_TOKEN_FILE", token, "AUDITBRIDGE_TLS_CERT_FILE", crt, "AUDITBRIDGE_TLS_KEY_FILE", key,
                "AUDITBRIDGE_TLS_CLIENT_CA_FILE", ca, "AUDITBRIDGE_MAX_BODY_SIZE", "8MiB"));
        HttpReceiverConfig oldEnv = parse(Map.of("AUDITBRIDGE_HOST", "127.0.0.1", "AUDITBRIDGE_PORT", "17765",
                "AUDITBRIDGE_TOKEN_FILE", token, "AUDITBRIDGE_TLS_CERT", crt, "AUDITBRIDGE_TLS_KEY", key,
                "AUDITBRIDGE_TLS_CLIENT_CA", ca, "AUDITBRIDGE_MAX_BODY_BYTES", "8388608"));

        assertThat(shared.host()).isEqualTo("127.0.0.1");
        assertThat(shared.port()).isEqualTo(17765);
        assertThat(shared.bearerTokenFile()).isEqualTo(Path.of(token));
        assertThat(shared.tls()).isEqualTo(new HttpReceiverConfig.Tls(Path.of(crt), Path.of(key), Path.of(ca)));
        assertThat(shared.maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(shared.paths()).containsExactly("/k8s_audit", "/k8s-audit");
        assertThat(shared.mediaTypes()).containsExactly("application/json");
        assertThat(old).isEqualTo(shared);
        assertThat(sharedEnv).isEqualTo(shared);
        assertThat(oldEnv).isEqualTo(shared);
    }

    @Test
    void theDetectorKeepsItsPortAndFalcosBodyLimitAsDefaults() {
        HttpReceiverConfig defaults = parse(Map.of(), "--allow-unauthenticated");
        assertThat(defaults.port()).as("the Sysdig agent's k8s_audit port").isEqualTo(ServeCommand.DEFAULT_PORT).isEqualTo(7765);
        assertThat(defaults.maxBodyBytes()).as("Falco's webhookMaxBatchSize").isEqualTo(ServeCommand.MAX_BODY_BYTES);
        assertThat(defaults.maxDecodedBytes()).isEqualTo(ServeCommand.MAX_BODY_BYTES);
        assertThat(defaults.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void helpShowsTheSharedNamesOnlyAndTheOldOnesStillParse() {
        String help = HelpCheck.help(new DetectorCli(), "serve", "--help");
        String receiver = HelpCheck.section(help, "Receiver:");
        assertThat(receiver).contains("--listen-port", "AUDITBRIDGE_LISTEN_PORT", "--auth-token-file", "--tls-cert-file",
                "--max-body-size", "--allow-unauthenticated");
        assertThat(help).doesNotContainPattern("--port\\b").doesNotContain("--token-file ").doesNotContain("--tls-cert ")
                .doesNotContain("--max-body-bytes");
        assertThat(receiver).as("the shown default is the detector's").contains("7765");
    }

    /** A real process of the CLI, as the Deployment starts it: exit 2 with one line naming the option. */
    @Test
    void refusesToStartWithoutCredentialsUnlessAllowed() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DetectorCli.class.getName(),
                "serve", "--listen-host", "127.0.0.1", "--listen-port", "0", "--metrics-port", "-1")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("refused at start, not serving").isTrue();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(BridgeCli.EXIT_CONFIG).isEqualTo(2);
        List<String> lines = new ArrayList<>(stderr.lines().filter(l -> !l.isBlank()).toList());
        assertThat(lines).as(stderr).hasSize(1);
        assertThat(lines.getFirst()).startsWith("error: --auth-token-file: required").contains("--allow-unauthenticated");

        StringWriter err = new StringWriter();
        CommandLine cl = BridgeCli.commandLine(new DetectorCli());
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("serve", "--port", "0", "--metrics-port", "-1")).as("old flag names: the same refusal")
                .isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(err.toString()).startsWith("error: --auth-token-file: required").contains("--allow-unauthenticated");
    }

    @Test
    void withATokenItAnswers401WithoutItAnd200WithItAndAllowedUnauthenticatedAnswersAnyone() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
        byte[] body = TestEvents.event("{\"auditID\": \"x-1\", \"objectRef\": {\"resource\": \"secrets\"}}").toJsonBytes();
        ServeCommand authenticated = new ServeCommand();
        BridgeCli.commandLine(authenticated).parseArgs("--listen-host", "127.0.0.1", "--listen-port", "0", "--metrics-port", "-1",
                "--auth-token-file", token.toString(), "--alerts", "file:" + dir.resolve("a1.ndjson"));
        try (ServeCommand.Running running = authenticated.start(); HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/k8s-audit"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
            assertThat(client.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
            assertThat(client.send(req.copy().header("Authorization", "Bearer wrong").build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).isEqualTo(401);
            HttpResponse<String> ok = client.send(req.header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("{\"events\":1,\"alerts\":1,\"skipped\":0}");
        }

        ServeCommand open = new ServeCommand();
        BridgeCli.commandLine(open).parseArgs("--listen-host", "127.0.0.1", "--listen-port", "0", "--metrics-port", "-1",
                "--allow-unauthenticated", "--alerts", "file:" + dir.resolve("a2.ndjson"));
        try (ServeCommand.Running running = open.start(); HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/k8s_audit"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
        }
    }
}
