package io.auditbridge.eks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.auditbridge.core.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** WireMock as the detector's webhook ({@code POST /k8s-audit}, an EventList per batch). */
final class WebhookFake {
    static final String PATH = "/k8s-audit";

    private WebhookFake() {}

    static String url(WireMockServer wm) {
        return "http://127.0.0.1:" + wm.port() + PATH;
    }

    static void answer(WireMockServer wm, int status) {
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(status)));
    }

    /** The Events of every batch the webhook answered 200, in arrival order. */
    static List<JsonNode> acknowledgedEvents(WireMockServer wm) {
        List<ServeEvent> served = new ArrayList<>(wm.getAllServeEvents());
        // getAllServeEvents is newest first
        java.util.Collections.reverse(served);
        List<JsonNode> out = new ArrayList<>();
        for (ServeEvent e : served) {
            if (e.getResponse().getStatus() != 200) {
                continue;
            }
            try {
                JsonNode list = EventJson.MAPPER.readTree(e.getRequest().getBodyAsString());
                list.get("items").forEach(out::add);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return out;
    }

    static List<String> acknowledgedAuditIds(WireMockServer wm) {
        return acknowledgedEvents(wm).stream().map(e -> e.get("auditID").asText()).toList();
    }
}
