package io.auditbridge.aks;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.auditbridge.core.EventJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What the WireMock webhook received. */
final class WebhookRequests {
    private WebhookRequests() {}

    /** The auditIDs of every EventList POSTed to {@code path}, in arrival order. */
    static List<String> postedAuditIds(WireMockExtension webhook, String path) throws IOException {
        List<String> ids = new ArrayList<>();
        for (LoggedRequest r : webhook.findAll(postRequestedFor(urlEqualTo(path)))) {
            for (JsonNode item : EventJson.MAPPER.readTree(r.getBodyAsString()).path("items")) {
                ids.add(item.path("auditID").asText());
            }
        }
        return ids;
    }
}
