package io.auditbridge.eks;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.auditbridge.core.EventJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A WireMock extension that answers FilterLogEvents from an in-memory log group the test appends to, the way
 * CloudWatch does: events whose timestamp is within [startTime, endTime] (both inclusive) in streams with the
 * prefix, sorted by timestamp then ingestion, {@code pageSize} per page with an opaque nextToken.
 */
final class LogGroupFake implements ResponseDefinitionTransformerV2 {
    private final List<FakeCloudWatch.Ev> events = new ArrayList<>();
    private final int pageSize;

    LogGroupFake(int pageSize) {
        this.pageSize = pageSize;
    }

    /** Makes an event visible from now on, as CloudWatch ingesting it. */
    synchronized void ingest(FakeCloudWatch.Ev e) {
        events.add(e);
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent serveEvent) {
        JsonNode q;
        try {
            q = EventJson.MAPPER.readTree(serveEvent.getRequest().getBodyAsString());
        } catch (IOException e) {
            return ResponseDefinition.notFound();
        }
        long start = q.path("startTime").asLong(0);
        long end = q.path("endTime").asLong(Long.MAX_VALUE);
        String prefix = q.path("logStreamNamePrefix").asText("");
        List<FakeCloudWatch.Ev> matching = events.stream()
                .filter(e -> e.timestamp() >= start && e.timestamp() <= end && e.stream().startsWith(prefix))
                .sorted(Comparator.comparingLong(FakeCloudWatch.Ev::timestamp).thenComparingLong(FakeCloudWatch.Ev::ingestionTime))
                .toList();
        int offset = q.has("nextToken") ? Integer.parseInt(q.get("nextToken").asText().substring("off-".length())) : 0;
        int to = Math.min(matching.size(), offset + pageSize);
        String next = to < matching.size() ? "off-" + to : null;
        return FakeCloudWatch.ok(FakeCloudWatch.page(next, matching.subList(offset, to).toArray(FakeCloudWatch.Ev[]::new))).build();
    }

    @Override
    public String getName() {
        return "filter-log-events";
    }
}
