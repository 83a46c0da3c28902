package io.auditbridge.core.sink;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.testing.ListSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SecretsStayOutOfLogsTest {
    private static final String TOKEN = "tok-6f1c9a22-never-log-me";

    @TempDir
    Path dir;

    @Test
    void theTokenAndUrlCredentialsAppearInNoLogLineMetricOrDeadLetter() throws Exception {
        WireMockServer webhook = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        webhook.start();
        webhook.stubFor(post(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/k8s-audit")).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("upstream down")).willSetStateTo("misconfigured"));
        webhook.stubFor(post(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/k8s-audit")).inScenario("s").whenScenarioStateIs("misconfigured")
                .willReturn(aResponse().withStatus(401).withBody("no " + TOKEN)).willSetStateTo("reject"));
        webhook.stubFor(post(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/k8s-audit")).inScenario("s").whenScenarioStateIs("reject")
                .willReturn(aResponse().withStatus(400).withBody("bad event")));
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, TOKEN + "\n");
            WebhookSink sink = WebhookSink.builder("http://admin:pa55word@127.0.0.1:" + webhook.port() + "/k8s-audit?key=qu3ry-s3cret")
                    .bearerToken(new io.auditbridge.core.cli.TokenFile(tokenFile)).build();
            try (Pipeline<byte[]> p = Pipeline.builder("test", new K8sEventTranslator(null, Map.of()), sink)
                    .metrics(new PipelineMetrics(registry, "test"))
                    .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), Clock.systemUTC()))
                    .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).build())
                    .build()) {
                p.start();
                var s = p.submit(ListSource.records(1, 1));
                p.flush();
                s.done().get();
            }
            assertThat(webhook.getAllServeEvents().getFirst().getRequest().getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
            assertThat(logs.list).isNotEmpty();
            String everything = String.join("\n", logs.list.stream().map(e -> e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())).toList())
                    + registry.scrape() + Files.readString(dir.resolve("dead.ndjson")) + sink.describe() + sink;
            assertThat(everything).contains("HTTP 503").contains("sink misconfigured").contains("HTTP 401")
                    .contains("rejected: HTTP 400");
            assertThat(everything).doesNotContain(TOKEN).doesNotContain("pa55word").doesNotContain("qu3ry-s3cret");
        } finally {
            root.detachAppender(logs);
            webhook.stop();
        }
    }
}
