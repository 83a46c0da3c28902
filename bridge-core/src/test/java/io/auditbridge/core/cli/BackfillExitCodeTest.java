package io.auditbridge.core.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.auditbridge.core.checkpoint.FileCheckpointStore;
import io.auditbridge.core.testing.FileBridgeMain;
import io.auditbridge.core.testing.SampleEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.auditbridge.core.testing.LoopbackWireMock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A polling run that reaches the end of its source (a backfill) exits 1 when the sink did not take every event. */
class BackfillExitCodeTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final WireMockExtension webhook = LoopbackWireMock.perTest();

    private int backfill() throws Exception {
        Path input = dir.resolve("events.ndjson");
        Files.writeString(input, SampleEvents.ndjson(1, 6));
        return BridgeCli.commandLine(new FileBridgeMain()).execute("run", "--input", input.toString(),
                "--sink", "http://127.0.0.1:" + webhook.getPort() + "/k8s-audit",
                "--checkpoint-file", dir.resolve("cp.json").toString(), "--dead-letter-file", dir.resolve("dead.ndjson").toString(),
                "--batch-max-age", "5ms", "--metrics-port", "-1");
    }

    @Test
    void everyEventTakenExitsZero() throws Exception {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        assertThat(backfill()).isZero();
        assertThat(new FileCheckpointStore(dir.resolve("cp.json")).load()).isEqualTo(Map.of("file", "6"));
    }

    @Test
    void anEventTheSinkRefusedExitsOneThoughThePositionMovedPastIt() throws Exception {
        webhook.stubFor(post("/k8s-audit").atPriority(1).withRequestBody(containing(SampleEvents.auditId(3)))
                .willReturn(aResponse().withStatus(400)));
        webhook.stubFor(post("/k8s-audit").atPriority(2).willReturn(aResponse().withStatus(200)));
        assertThat(backfill()).isEqualTo(BridgeCli.EXIT_DELIVERY);
        assertThat(Files.readAllLines(dir.resolve("dead.ndjson"))).hasSize(1).allSatisfy(l -> assertThat(l).contains(SampleEvents.auditId(3)));
    }
}
