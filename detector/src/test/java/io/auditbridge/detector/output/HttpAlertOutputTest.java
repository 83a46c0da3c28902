package io.auditbridge.detector.output;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.rules.RulesFiles;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Alerts POSTed as Falco's JSON output, one per request, as Falcosidekick receives them (WireMock as the receiver). */
class HttpAlertOutputTest {
    private final WireMockServer sidekick = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private List<Alert> alerts;

    @BeforeEach
    void setUp() {
        sidekick.start();
        Detector d = new Detector(RulesFiles.load(List.of()), "det-1", Detector.GapListener.NONE);
        alerts = d.evaluate(TestEvents.event("{\"auditID\": \"s-9\", \"user\": {\"username\": \"eve@example.com\"}, \"objectRef\": {\"resource\": \"secrets\", \"name\": \"db\"}}"));
        assertThat(alerts).extracting(Alert::rule).containsExactly("K8s Secret Get Successfully", "Disallowed K8s User");
    }

    @AfterEach
    void tearDown() {
        sidekick.stop();
    }

    private AlertOutput output() {
        return AlertOutput.parse("http://127.0.0.1:" + sidekick.port() + "/");
    }

    @Test
    void postsEachAlertAsFalcoJson() throws Exception {
        sidekick.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200)));
        try (AlertOutput out = output()) {
            out.publish(alerts);
        }
        sidekick.verify(2, postRequestedFor(urlEqualTo("/")).withHeader("Content-Type", equalTo("application/json")));
        sidekick.verify(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(equalToJson(alerts.get(0).toJsonLine()))
                .withRequestBody(matchingJsonPath("$.rule", equalTo("K8s Secret Get Successfully")))
                .withRequestBody(matchingJsonPath("$.priority", equalTo("Error")))
                .withRequestBody(matchingJsonPath("$.source", equalTo("k8s_audit")))
                .withRequestBody(matchingJsonPath("$.hostname", equalTo("det-1")))
                .withRequestBody(matchingJsonPath("$.output_fields['ka.auditid']", equalTo("s-9"))));
    }

    @Test
    void aNon2xxAnswerFailsThePublish() {
        sidekick.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(502)));
        try (AlertOutput out = output()) {
            assertThatThrownBy(() -> out.publish(alerts)).isInstanceOf(IOException.class).hasMessage("alert receiver answered 502");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
