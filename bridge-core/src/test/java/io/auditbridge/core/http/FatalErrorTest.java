package io.auditbridge.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.FatalErrors;
import io.auditbridge.core.ops.OpsServer;
import io.auditbridge.core.testing.HostileSuite;
import io.auditbridge.core.testing.ReceiverProcess;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12/15: an Error on a receiver's threads ends the process non-zero after logging; /healthz follows the receiver. */
class FatalErrorTest {
    @TempDir
    Path dir;

    @Test
    void anErrorInARequestHandlerEndsTheProcessWithTheFatalExitCode() throws Exception {
        int port = ReceiverProcess.freePort();
        try (ReceiverProcess p = ReceiverProcess.start(FatalErrorMain.class.getName(), List.of("handler", Integer.toString(port)),
                256L * 1024 * 1024, List.of(), Map.of(), port, dir.resolve("handler.log"))) {
            HostileSuite.post("http://127.0.0.1:" + port + "/in", Map.of("Content-Type", "application/json"),
                    "[{}]".getBytes(StandardCharsets.UTF_8));
            assertThat(p.awaitExit(Duration.ofSeconds(30))).as(p.log()).isEqualTo(FatalErrors.EXIT_CODE);
            assertThat(p.log()).contains("fatal java.lang.OutOfMemoryError").doesNotContain("simulated: the request");
        }
    }

    @Test
    void anErrorOnAThreadWithoutAHandlerOfItsOwnEndsTheProcess() throws Exception {
        int port = ReceiverProcess.freePort();
        try (ReceiverProcess p = ReceiverProcess.start(FatalErrorMain.class.getName(), List.of("thread", Integer.toString(port)),
                256L * 1024 * 1024, List.of(), Map.of(), port, dir.resolve("thread.log"))) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).as(p.log()).isEqualTo(FatalErrors.EXIT_CODE);
            assertThat(p.log()).contains("fatal java.lang.StackOverflowError").contains("HTTP-Dispatcher-simulated");
        }
    }

    @Test
    void healthzFollowsTheReceiverNotOnlyThePipeline() throws Exception {
        HttpReceiver receiver = HttpReceiver.start(HttpReceiverConfig.builder().host("127.0.0.1").port(0).path("/in").build(),
                request -> HandlerResponse.text(200, "ok"));
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                receiver::isAlive, () -> true)) {
            assertThat(HostileSuite.get("http://127.0.0.1:" + ops.port() + "/healthz").statusCode()).isEqualTo(200);
            receiver.close();
            assertThat(HostileSuite.get("http://127.0.0.1:" + ops.port() + "/healthz").statusCode()).isEqualTo(503);
        }
    }
}
