package io.auditbridge.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.HostileSuite;
import io.auditbridge.core.testing.MalformedRequests;
import io.auditbridge.core.testing.ReceiverProcess;
import io.auditbridge.detector.DetectorCli;
import io.auditbridge.detector.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code detector serve} against hostile clients, as the Deployment runs it: a separate JVM of {@link DetectorCli}
 * with {@code -Xmx} = 75 % of the chart's memory limit, alerts to a file.
 */
class HostileClientsServeTest {
    static final Path CHART_VALUES = Path.of("../deploy/helm/auditbridge/values.yaml");
    static final String TOKEN = "det-hostile-91c2";

    @Test
    void everyMalformedClassGetsA4xxOrTheDocumented503AndTheProcessStaysUp(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        int port = ReceiverProcess.freePort();
        int metricsPort = ReceiverProcess.freePort();
        byte[] good = TestEvents.event("{\"auditID\": \"hostile-1\", \"objectRef\": {\"resource\": \"secrets\"}}").toJsonBytes();
        Map<String, String> headers = Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
        AtomicInteger n = new AtomicInteger();
        try (ReceiverProcess process = ReceiverProcess.start(DetectorCli.class.getName(), List.of("serve", "--listen-host", "127.0.0.1",
                        "--listen-port", Integer.toString(port), "--auth-token-file", token.toString(), "--metrics-host", "127.0.0.1",
                        "--metrics-port", Integer.toString(metricsPort), "--request-timeout", "4s",
                        "--alerts", "file:" + dir.resolve("alerts.ndjson")),
                ReceiverProcess.deploymentHeap(CHART_VALUES), List.of("-Dsun.net.httpserver.maxReqTime=10", "-Dsun.net.httpserver.maxRspTime=10"), Map.of(), port,
                dir.resolve("serve.log"))) {
            MalformedRequests.Target target = new MalformedRequests.Target("/k8s-audit", headers, good, List.of("Authorization"),
                    12L * 1024 * 1024);
            HostileSuite.run("detector serve", process, port, target, HostileSuite.PER_CLASS, () -> {
                n.incrementAndGet();
                return HostileSuite.post("http://127.0.0.1:" + port + "/k8s_audit", headers, good);
            }, 200, Duration.ofSeconds(30));
            List<String> rejected = HostileSuite.rejectedMetrics(HostileSuite.get("http://127.0.0.1:" + metricsPort + "/metrics").body());
            System.out.println("detector serve rejections by reason:\n  " + String.join("\n  ", rejected));
            assertThat(rejected).anyMatch(l -> l.contains("reason=\"too_large\"")).anyMatch(l -> l.contains("reason=\"malformed\""));
            assertThat(HostileSuite.get("http://127.0.0.1:" + metricsPort + "/healthz").statusCode()).isEqualTo(200);
        }
    }
}
