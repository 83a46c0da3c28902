package io.auditbridge.aks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.cli.BridgeCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AksTranslateCommandTest {
    @RegisterExtension
    static WireMockExtension webhook = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = BridgeCli.commandLine(new AksBridge());
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private Path copy(String fixture) throws IOException {
        Path p = dir.resolve(fixture);
        Files.write(p, DiagnosticRecordTranslatorTest.body(fixture));
        return p;
    }

    private static List<String> postedAuditIds() throws IOException {
        return WebhookRequests.postedAuditIds(webhook, "/k8s-audit");
    }

    @Test
    void eachFileIsOneBodyAndTheSameEventUnderBothCategoriesIsSentOnce() throws IOException {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));

        int code = run("translate", "--sink", webhook.baseUrl() + "/k8s-audit",
                "--dead-letter-file", dir.resolve("dead.ndjson").toString(),
                copy("mixed-categories.json").toString(), copy("both-categories.json").toString());

        assertThat(code).isZero();
        // 4e03 is in mixed-categories (kube-audit-admin) and twice in both-categories: sent once.
        assertThat(postedAuditIds()).containsExactly("5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e01",
                "5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e02", "5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e03");
        assertThat(err.toString()).contains("aks: 3 events, 0 record errors, 2 skipped, 2 deduplicated");
    }

    @Test
    void eachNdjsonLineIsOneBodyAndANonEnvelopeLineIsDeadLetteredWhileTheRestGoesOn() throws IOException {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        Path dead = dir.resolve("dead.ndjson");

        int code = run("translate", "--sink", webhook.baseUrl() + "/k8s-audit", "--dead-letter-file", dead.toString(),
                copy("messages.ndjson").toString(), copy("not-an-envelope.json").toString());

        assertThat(code).isZero();
        assertThat(postedAuditIds()).containsExactly("5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e01", "5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e03");
        assertThat(err.toString()).contains("aks: 2 events, 2 record errors");
        List<String> deadLines = Files.readAllLines(dead);
        assertThat(deadLines).hasSize(2);
        assertThat(deadLines.get(0)).contains("messages.ndjson:3").contains("this is not json");
        assertThat(deadLines.get(1)).contains("not_envelope").contains("\\\"value\\\"");
    }

    @Test
    void onlyTheCategoriesAskedForAreTranslated() throws IOException {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));

        run("translate", "--categories", "kube-audit-admin", "--sink", webhook.baseUrl() + "/k8s-audit",
                "--dead-letter-file", dir.resolve("dead.ndjson").toString(), copy("mixed-categories.json").toString());

        assertThat(postedAuditIds()).containsExactly("5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e03");
    }

    @Test
    void aPrettyPrintedFileIsOneBodyAndNdjsonIsSplitByLine() {
        byte[] pretty = "{\n  \"records\": []\n}\n".getBytes(StandardCharsets.UTF_8);
        byte[] ndjson = "{\"records\":[]}\n\n{\"records\":[]}\n".getBytes(StandardCharsets.UTF_8);

        assertThat(AksTranslateCommand.messageBodies("a.json", pretty)).extracting(SourceRecord::id).containsExactly("a.json");
        assertThat(AksTranslateCommand.messageBodies("b.ndjson", ndjson)).extracting(SourceRecord::id)
                .containsExactly("b.ndjson:1", "b.ndjson:3");
        // translate streams the same bodies, one line at a time
        assertThat(streamed("a.json", pretty)).extracting(SourceRecord::id).containsExactly("a.json");
        assertThat(streamed("b.ndjson", ndjson)).extracting(SourceRecord::id).containsExactly("b.ndjson:1", "b.ndjson:3");
        assertThat(streamed("c.json", "{\"records\":[]}".getBytes(StandardCharsets.UTF_8)))
                .extracting(SourceRecord::id).containsExactly("c.json");
        assertThat(streamed("b.ndjson", ndjson)).extracting(r -> new String(r.payload(), StandardCharsets.UTF_8))
                .containsExactly("{\"records\":[]}", "{\"records\":[]}");
    }

    private static java.util.List<SourceRecord<byte[]>> streamed(String name, byte[] content) {
        java.util.List<SourceRecord<byte[]>> out = new java.util.ArrayList<>();
        try {
            new AksTranslateCommand().decode(name, new java.io.BufferedInputStream(new java.io.ByteArrayInputStream(content)), out::add);
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
