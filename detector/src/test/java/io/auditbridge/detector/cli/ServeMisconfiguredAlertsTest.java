package io.auditbridge.detector.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.detector.TestEvents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: while serve's alert output (its "sink") is misconfigured — a 401, then a 404 — the webhook answers
 * 503 with Retry-After so the apiserver resends, never 200; once the output answers 200 the resent batch is
 * answered 200 and every alert has arrived. Real sockets on both sides; WireMock is the alert receiver.
 */
class ServeMisconfiguredAlertsTest {
    private final WireMockServer sidekick = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeEach
    void setUp() {
        sidekick.start();
        sidekick.stubFor(post(urlEqualTo("/")).inScenario("misconfigured").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(401)).willSetStateTo("wrong path"));
        sidekick.stubFor(post(urlEqualTo("/")).inScenario("misconfigured").whenScenarioStateIs("wrong path")
                .willReturn(aResponse().withStatus(404)).willSetStateTo("fixed"));
        sidekick.stubFor(post(urlEqualTo("/")).inScenario("misconfigured").whenScenarioStateIs("fixed")
                .willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void tearDown() {
        sidekick.stop();
    }

    @Test
    void answers503WithRetryAfterWhileTheAlertOutputIsMisconfiguredThen200AndEveryAlertArrives() throws Exception {
        ServeCommand serve = new ServeCommand();
        // Default --alerts-on-failure (block); no retries inside one request so each POST meets one answer of the scenario.
        BridgeCli.commandLine(serve).parseArgs("--listen-host", "127.0.0.1", "--listen-port", "0", "--metrics-port", "-1", "--allow-unauthenticated",
                "--alerts", "http://127.0.0.1:" + sidekick.port() + "/", "--alerts-retries", "0", "--hostname", "det-1");
        try (ServeCommand.Running running = serve.start(); HttpClient client = HttpClient.newHttpClient()) {
            URI webhook = URI.create("http://127.0.0.1:" + running.port() + "/k8s_audit");
            HttpRequest first = auditPost(webhook, "a-1");
            for (int badAnswer : new int[] {401, 404}) {
                HttpResponse<String> res = client.send(first, HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as("webhook answer while the alert receiver answers %d", badAnswer).isEqualTo(503);
                assertThat(res.headers().firstValue("Retry-After")).as("Retry-After on the 503").isPresent()
                        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
            }
            // The apiserver resends the same batch; now the receiver is fixed.
            HttpResponse<String> resent = client.send(first, HttpResponse.BodyHandlers.ofString());
            assertThat(resent.statusCode()).isEqualTo(200);
            assertThat(resent.body()).isEqualTo("{\"events\":1,\"alerts\":1,\"skipped\":0}");
            HttpResponse<String> next = client.send(auditPost(webhook, "a-2"), HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).isEqualTo(200);
        }
        // One attempt per bad answer, then one alert per event once fixed: nothing missing.
        sidekick.verify(4, postRequestedFor(urlEqualTo("/")));
        for (String id : new String[] {"a-1", "a-2"}) {
            sidekick.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(matchingJsonPath("$.output_fields['ka.auditid']", equalTo(id)))
                    .withRequestBody(matchingJsonPath("$.hostname", equalTo("det-1"))));
        }
        assertThat(sidekick.getAllServeEvents()).filteredOn(e -> e.getResponse().getStatus() == 200)
                .extracting(e -> TestEvents.json(e.getRequest().getBodyAsString()).at("/output_fields/ka.auditid").asText())
                .containsExactlyInAnyOrder("a-1", "a-2");
    }

    private static HttpRequest auditPost(URI webhook, String auditId) {
        byte[] body = TestEvents.event("{\"auditID\": \"" + auditId + "\", \"objectRef\": {\"resource\": \"secrets\"}}").toJsonBytes();
        return HttpRequest.newBuilder(webhook).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
}
