package io.auditbridge.core.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.auditbridge.core.testing.PassThroughTranslateCommand;
import io.auditbridge.core.testing.SampleEvents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import io.auditbridge.core.testing.LoopbackWireMock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code translate}'s exit code says whether every event reached the sink (0), not (1), or the input was unusable (2). */
class TranslateExitCodeTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final WireMockExtension webhook = LoopbackWireMock.perTest();

    private record Result(int exit, String err) {}

    private Result translate(String... args) {
        CommandLine cl = BridgeCli.commandLine(new PassThroughTranslateCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--sink", "http://127.0.0.1:" + webhook.getPort() + "/k8s-audit",
                "--dead-letter-file", dir.resolve("dead.ndjson").toString(),
                "--retry-initial-backoff", "1ms", "--retry-max-backoff", "5ms"));
        all.addAll(List.of(args));
        return new Result(cl.execute(all.toArray(String[]::new)), err.toString());
    }

    private Path input(String name, int from, int count) throws Exception {
        Path p = dir.resolve(name);
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            sb.append(SampleEvents.json(i)).append('\n');
        }
        Files.writeString(p, sb);
        return p;
    }

    @Test
    void aMissingInputIsAUsageError() {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        Result r = translate(dir.resolve("nonexistent.json").toString());
        assertThat(r.exit()).isEqualTo(BridgeCli.EXIT_CONFIG);
        assertThat(r.err()).contains("cannot read").contains("nonexistent.json");
        webhook.verify(0, postRequestedFor(urlEqualTo("/k8s-audit")));
    }

    @Test
    void unauthorizedThenNotFoundThenRedirectThenOkEndsWithEveryEventDeliveredOnceAndExitZero() throws Exception {
        String[] states = {Scenario.STARTED, "404", "307", "200"};
        int[] codes = {401, 404, 307, 200};
        for (int i = 0; i < states.length; i++) {
            var stub = post("/k8s-audit").inScenario("s").whenScenarioStateIs(states[i])
                    .willReturn(aResponse().withStatus(codes[i]).withHeader("Location", "/moved"));
            webhook.stubFor(i + 1 < states.length ? stub.willSetStateTo(states[i + 1]) : stub);
        }
        Result r = translate(input("events.ndjson", 1, 5).toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("5 events, 0 record errors, 0 skipped, 0 deduplicated; 5 delivered, 0 refused by the sink");
        webhook.verify(4, postRequestedFor(urlEqualTo("/k8s-audit")));
        List<String> delivered = new ArrayList<>();
        for (var served : webhook.getAllServeEvents()) {
            if (served.getResponse().getStatus() == 200) {
                delivered.addAll(SampleEvents.auditIds(served.getRequest().getBody()));
            }
        }
        assertThat(delivered).containsExactlyElementsOf(SampleEvents.events(1, 5).stream().map(e -> e.auditId()).toList());
        assertThat(dir.resolve("dead.ndjson")).doesNotExist();
    }

    @Test
    void anEventTheSinkRefusesMakesExitOne() throws Exception {
        webhook.stubFor(post("/k8s-audit").atPriority(1).withRequestBody(containing(SampleEvents.auditId(2)))
                .willReturn(aResponse().withStatus(422)));
        webhook.stubFor(post("/k8s-audit").atPriority(2).willReturn(aResponse().withStatus(200)));
        Result r = translate(input("events.ndjson", 1, 3).toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(BridgeCli.EXIT_DELIVERY);
        assertThat(r.err()).contains("2 delivered, 1 refused by the sink").contains("not every event reached the sink");
        assertThat(Files.readAllLines(dir.resolve("dead.ndjson"))).hasSize(1);
    }

    @Test
    void badRecordsInAReadableInputAreCountedAndExitZeroUnlessStrict() throws Exception {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        Path mixed = input("mixed.ndjson", 1, 2);
        Files.writeString(mixed, Files.readString(mixed) + "{\"kind\":\"Event\",\"auditID\":\"broken\"\n");
        Result lenient = translate(mixed.toString());
        assertThat(lenient.exit()).as(lenient.err()).isZero();
        assertThat(lenient.err()).contains("2 delivered").containsPattern("[1-9]\\d* record errors");

        Result strict = translate("--strict", mixed.toString());
        assertThat(strict.exit()).as(strict.err()).isEqualTo(BridgeCli.EXIT_DELIVERY);
        assertThat(strict.err()).contains("--strict");
    }
}
