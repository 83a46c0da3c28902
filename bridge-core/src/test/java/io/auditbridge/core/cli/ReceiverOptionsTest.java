package io.auditbridge.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.core.http.HttpReceiverConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ReceiverOptionsTest {
    @TempDir
    Path dir;

    @Command(name = "probe")
    static final class Probe {
        @Mixin
        ReceiverOptions receiver;
    }

    private ReceiverOptions parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.receiver;
    }

    @Test
    void defaultsGiveThePlainReceiverOnTheCommandsPath() {
        HttpReceiverConfig c = parse().toConfig("/audit");
        assertThat(c.paths()).containsExactly("/audit");
        assertThat(c.port()).isEqualTo(8443);
        assertThat(c.tls()).isNull();
        assertThat(c.hasCredentials()).isFalse();
        assertThat(c.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(c.maxDecodedBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void optionsReachTheConfig() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t");
        HttpReceiverConfig c = parse("--listen-port", "0", "--path", "/a,/b", "--auth-token-file", token.toString(),
                "--max-body-size", "1MiB", "--max-decoded-size", "2MiB", "--max-concurrent-requests", "3",
                "--request-timeout", "5s").toConfig("/audit");
        assertThat(c.paths()).containsExactly("/a", "/b");
        assertThat(c.bearerTokenFile()).isEqualTo(token);
        assertThat(c.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(c.maxConcurrent()).isEqualTo(3);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void tlsAndBasicAuthOptionsReachTheConfig() throws Exception {
        Path crt = Files.writeString(dir.resolve("tls.crt"), "c");
        Path key = Files.writeString(dir.resolve("tls.key"), "k");
        Path ca = Files.writeString(dir.resolve("ca.crt"), "a");
        Path user = Files.writeString(dir.resolve("username"), "u");
        Path pass = Files.writeString(dir.resolve("password"), "p");
        HttpReceiverConfig c = parse("--tls-cert-file", crt.toString(), "--tls-key-file", key.toString(),
                "--tls-client-ca-file", ca.toString(), "--auth-username-file", user.toString(),
                "--auth-password-file", pass.toString()).toConfig("/a");
        assertThat(c.tls().certificateFile()).isEqualTo(crt);
        assertThat(c.tls().requiresClientCertificate()).isTrue();
        assertThat(c.basicUsernameFile()).isEqualTo(user);
        assertThat(c.basicPasswordFile()).isEqualTo(pass);
        assertThat(c.hasCredentials()).isTrue();
    }

    @Test
    void badCombinationsNameTheOption() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        assertThatThrownBy(() -> parse("--tls-key-file", f.toString()).toConfig("/a"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--tls-cert-file:");
        assertThatThrownBy(() -> parse("--auth-username-file", f.toString()).toConfig("/a"))
                .hasMessageStartingWith("--auth-password-file:");
        assertThatThrownBy(() -> parse("--auth-token-file", dir.resolve("missing").toString()).toConfig("/a"))
                .hasMessageStartingWith("--auth-token-file:");
        assertThatThrownBy(() -> parse("--path", "nope").toConfig("/a")).hasMessageStartingWith("--path:");
        assertThatThrownBy(() -> parse("--max-body-size", "2MiB", "--max-decoded-size", "1MiB").toConfig("/a"))
                .hasMessageStartingWith("--max-decoded-size:");
    }
}
