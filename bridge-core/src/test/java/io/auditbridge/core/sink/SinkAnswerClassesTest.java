package io.auditbridge.core.sink;

import static org.awaitility.Awaitility.await;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.checkpoint.FileCheckpointStore;
import io.auditbridge.core.ops.OpsServer;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.BatchLimits;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.testing.ListSource;
import io.auditbridge.core.testing.ManualClock;
import io.auditbridge.core.testing.RecordingSleeper;
import io.auditbridge.core.testing.SampleEvents;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import io.auditbridge.core.testing.LoopbackWireMock;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What each sink answer means, against a real HTTP server: only 400, 413 and 422 are about the events; every
 * other non-2xx that is not transient says the sink is misconfigured, which is an outage, never a rejection.
 */
class SinkAnswerClassesTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final WireMockExtension webhook = LoopbackWireMock.perTest();
    private final HttpClient http = HttpClient.newHttpClient();

    private String url() {
        return "http://127.0.0.1:" + webhook.getPort() + "/k8s-audit";
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308, 401, 403, 404, 405, 407, 410, 411, 415, 418})
    void answersThatSayNothingAboutTheEventsMeanTheSinkIsUnusable(int status) throws Exception {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(status).withHeader("Location", "/elsewhere")));
        try (WebhookSink sink = WebhookSink.builder(url()).build()) {
            DeliveryResult r = sink.deliver(SampleEvents.events(1, 2));
            assertThat(r).isInstanceOf(DeliveryResult.Unusable.class);
            assertThat(((DeliveryResult.Unusable) r).status()).isEqualTo(Integer.toString(status));
            assertThat(sink.isReady()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 413, 422})
    void onlyAnswersAboutTheContentAreRejections(int status) throws Exception {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(status)));
        try (WebhookSink sink = WebhookSink.builder(url()).build()) {
            assertThat(sink.deliver(SampleEvents.events(1, 2))).isInstanceOf(DeliveryResult.Rejected.class);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void busyOrDownAnswersAreTransient(int status) throws Exception {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(status)));
        try (WebhookSink sink = WebhookSink.builder(url()).build()) {
            assertThat(sink.deliver(SampleEvents.events(1, 2))).isInstanceOf(DeliveryResult.Retry.class);
        }
    }

    @Test
    void aRedirectNamesWhereItPointsWithoutItsQuery() throws Exception {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(307)
                .withHeader("Location", "https://user:pw@other.example:8443/audit?token=s3cret")));
        try (WebhookSink sink = WebhookSink.builder(url()).build()) {
            DeliveryResult.Unusable u = (DeliveryResult.Unusable) sink.deliver(SampleEvents.events(1, 1));
            assertThat(u.reason()).contains("HTTP 307 redirect to https://other.example:8443/audit")
                    .doesNotContain("s3cret").doesNotContain("pw@");
        }
    }

    /**
     * A poller (file checkpoint) behind a webhook that answers 401, then 404, then 307, then 200: every event is
     * delivered once, nothing is dead-lettered (even with a retry budget set), the checkpoint appears only after
     * the 200, and {@code /readyz} answers 503 naming the status while the answers are bad.
     */
    @Test
    void unauthorizedThenNotFoundThenRedirectThenOkDeliversEverythingOnceAndCommitsOnlyAfterTheOk() throws Exception {
        String[] states = {"401", "404", "307", "200"};
        for (String state : states) {
            int code = Integer.parseInt(state);
            webhook.stubFor(post(urlPathEqualTo("/k8s-audit")).inScenario("misconfigured")
                    .whenScenarioStateIs(state.equals("401") ? Scenario.STARTED : state)
                    .willReturn(aResponse().withStatus(code).withHeader("Location", "http://127.0.0.1:1/moved")));
        }
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger pipelineLog = (Logger) LoggerFactory.getLogger(Pipeline.class);
        pipelineLog.addAppender(logs);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Path checkpoint = dir.resolve("cp.json");
        FileCheckpointStore store = new FileCheckpointStore(checkpoint);
        Path dead = dir.resolve("dead.ndjson");
        try (Pipeline<byte[]> p = Pipeline.builder("test", new K8sEventTranslator(null, Map.of()),
                        WebhookSink.builder("http://user:pw@127.0.0.1:" + webhook.getPort() + "/k8s-audit?key=qs3cret").build())
                .checkpoints(store)
                .metrics(new PipelineMetrics(registry, "test"))
                .deadLetters(new DeadLetterFile(dead, Clock.systemUTC()))
                .batchLimits(new BatchLimits(500, 10 * 1024 * 1024, Duration.ofMillis(5), 256 * 1024))
                // A retry budget far shorter than the outage: it must not apply to a misconfigured sink.
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(20))
                        .maxRetryDuration(Duration.ofMillis(30)).build())
                .build();
             OpsServer ops = OpsServer.start("127.0.0.1", 0, registry, () -> true, p::notReadyReason)) {
            p.start();
            var submission = p.submit(ListSource.records(1, 10));
            p.flush();
            for (String bad : List.of("401", "404", "307")) {
                int seen = requests();
                // Several attempts in this state, well past the 30 ms retry budget.
                await().atMost(Duration.ofMinutes(1)).until(() -> requests() >= seen + 3);
                HttpResponse<String> ready = readyz(ops.port());
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("sink misconfigured").contains("HTTP " + bad)
                        .doesNotContain("qs3cret").doesNotContain("pw@");
                assertThat(Files.exists(checkpoint)).as("no checkpoint during %s", bad).isFalse();
                assertThat(submission.done()).isNotDone();
                String next = states[List.of(states).indexOf(bad) + 1];
                webhook.setScenarioState("misconfigured", next);
            }
            submission.done().get();
            p.drain(Duration.ofMinutes(1));
            assertThat(store.load()).isEqualTo(Map.of("p", "10"));
            assertThat(readyz(ops.port()).statusCode()).isEqualTo(200);
            assertThat(p.metrics().count("auditbridge.events.dead_lettered")).isZero();
            assertThat(registry.scrape()).contains("auditbridge_sink_errors_total{source=\"test\",status=\"401\"}")
                    .contains("status=\"404\"").contains("status=\"307\"");
        } finally {
            pipelineLog.detachAppender(logs);
        }
        assertThat(dead).doesNotExist();
        List<String> delivered = new ArrayList<>();
        for (var served : webhook.getAllServeEvents().reversed()) {
            if (served.getResponse().getStatus() == 200) {
                delivered.addAll(SampleEvents.auditIds(served.getRequest().getBody()));
            }
        }
        assertThat(delivered).containsExactlyElementsOf(SampleEvents.events(1, 10).stream().map(e -> e.auditId()).toList());
        // One ERROR line (the minute never passed), naming the status and the URL without its secrets.
        List<ILoggingEvent> errors = logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.getFirst().getFormattedMessage()).contains("status=401")
                .contains("http://127.0.0.1:" + webhook.getPort() + "/k8s-audit").doesNotContain("qs3cret").doesNotContain("pw@");
    }

    @Test
    void retryAfterZeroOrInThePastKeepsThePolicysBackoff() throws Exception {
        ManualClock clock = new ManualClock(1_800_000_000_000L);
        webhook.stubFor(post("/k8s-audit").inScenario("zero").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0")).willSetStateTo("past"));
        webhook.stubFor(post("/k8s-audit").inScenario("zero").whenScenarioStateIs("past")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"))
                .willSetStateTo("zero-again"));
        webhook.stubFor(post("/k8s-audit").inScenario("zero").whenScenarioStateIs("zero-again")
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0")).willSetStateTo("ok"));
        webhook.stubFor(post("/k8s-audit").inScenario("zero").whenScenarioStateIs("ok").willReturn(aResponse().withStatus(200)));
        RecordingSleeper sleeper = new RecordingSleeper(clock);
        try (Pipeline<byte[]> p = Pipeline.builder("test", new K8sEventTranslator(null, Map.of()),
                        WebhookSink.builder(url()).clock(clock).build())
                .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), clock))
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(100)).random(() -> 0.5).build())
                .clock(clock).sleeper(sleeper).build()) {
            p.start();
            var s = p.submit(ListSource.records(1, 2));
            p.flush();
            s.done().get();
        }
        webhook.verify(4, postRequestedFor(urlEqualTo("/k8s-audit")));
        // The policy's own series (100·2^n · 0.5), never zero.
        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200));
    }

    private int requests() {
        return webhook.findAll(postRequestedFor(urlEqualTo("/k8s-audit?key=qs3cret"))).size();
    }

    private HttpResponse<String> readyz(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
