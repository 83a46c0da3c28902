package io.auditbridge.detector.webhook;

import io.auditbridge.core.Event;
import io.auditbridge.core.EventReader;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.http.BadRequestException;
import io.auditbridge.core.http.HandlerResponse;
import io.auditbridge.core.http.PayloadTooLargeException;
import io.auditbridge.core.http.ReceivedRequest;
import io.auditbridge.core.http.RequestHandler;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.engine.BatchEvaluator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Falco's k8s_audit webhook, answered only after evaluation: the body is an Event, an EventList or a JSON
 * array of Events. Unlike Falco, an element that is not an Event is skipped and counted instead of dropping
 * the whole batch; malformed JSON is a 400 with the reason; an alert output that fails is a 503 so the
 * sender retries.
 */
public final class K8sAuditWebhook implements RequestHandler {
    private static final Logger log = LoggerFactory.getLogger(K8sAuditWebhook.class);

    private final BatchEvaluator evaluator;
    private final PipelineMetrics metrics;

    public K8sAuditWebhook(BatchEvaluator evaluator, PipelineMetrics metrics) {
        this.evaluator = evaluator;
        this.metrics = metrics;
    }

    @Override
    public HandlerResponse handle(ReceivedRequest request) throws BadRequestException, InterruptedException {
        try {
            return handleBounded(request);
        } catch (TooManyItems e) {
            metrics.recordError("too_many_items");
            throw new PayloadTooLargeException("more than " + request.maxRecords() + " elements in one request");
        }
    }

    /** Carries the element limit out of the reader's callback. */
    private static final class TooManyItems extends RuntimeException {
        TooManyItems() {
            super(null, null, false, false);
        }
    }

    private HandlerResponse handleBounded(ReceivedRequest request) throws BadRequestException, InterruptedException {
        String type = request.mediaType();
        if (type != null && !type.equals("application/json")) {
            return HandlerResponse.text(415, "Content-Type must be application/json");
        }
        List<Event> events = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String malformed = null;
        // Trees are charged to the request's memory budget as they are built; items are counted as they come.
        List<EventReader.Item> items = new ArrayList<>();
        EventReader.read(request.body(), request.jsonReader(), item -> {
            if (items.size() >= request.maxRecords()) {
                throw new TooManyItems();
            }
            items.add(item);
        });
        for (EventReader.Item item : items) {
            if (item.isEvent()) {
                events.add(item.event());
            } else if (item.index() < 0) {
                malformed = item.error();
            } else {
                skipped.add("element " + item.index() + (item.auditId() == null ? "" : " (auditID " + item.auditId() + ")")
                        + ": " + item.error());
            }
        }
        if (malformed != null) {
            metrics.recordError("malformed_json");
            throw new BadRequestException(malformed);
        }
        if (events.isEmpty()) {
            metrics.recordError("no_event");
            throw new BadRequestException(skipped.isEmpty() ? "no audit Event in the body" : "no audit Event in the body: " + skipped.get(0));
        }
        if (!skipped.isEmpty()) {
            metrics.skipped(RecordError.NOT_EVENT, skipped.size());
            log.warn("skipped {} element(s) that are not audit Events from {}; first: {}", skipped.size(), request.remote(), skipped.get(0));
        }
        metrics.eventsIn(events.size());
        int alerts;
        try {
            alerts = evaluator.evaluate(events);
        } catch (IOException e) {
            log.warn("alert output {} failed: {}", evaluator.describeOutput(), e.getMessage());
            return HandlerResponse.text(503, "alert output failed; retry").withHeader("Retry-After", "5");
        }
        metrics.eventsOut(events.size());
        return HandlerResponse.json(200, "{\"events\":" + events.size() + ",\"alerts\":" + alerts
                + ",\"skipped\":" + skipped.size() + "}");
    }
}
