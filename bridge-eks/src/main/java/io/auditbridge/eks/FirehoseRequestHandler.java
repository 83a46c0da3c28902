package io.auditbridge.eks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.http.HandlerResponse;
import io.auditbridge.core.http.Secrets;
import io.auditbridge.core.http.ReceivedRequest;
import io.auditbridge.core.http.RequestHandler;
import io.auditbridge.core.push.PushDelivery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amazon Data Firehose's HTTP endpoint destination, fed by a CloudWatch Logs subscription: each request
 * {@code {"requestId":…,"timestamp":…,"records":[{"data":"<base64 of a gzip subscription payload>"}]}} is
 * checked ({@code X-Amz-Firehose-Access-Key}, compared in constant time), unwrapped, translated and delivered.
 * The answer is Firehose's acknowledgement {@code {"requestId":…,"timestamp":…}} with 200 only once the sink
 * acknowledged every event; otherwise a non-200 with {@code errorMessage}, so Firehose retries the request (and
 * after its retry duration keeps it in its S3 backup). At-least-once: a retried request may repeat events.
 *
 * <p>Runs inside the shared {@link io.auditbridge.core.http.HttpReceiver} (paths, size limits, gzip
 * Content-Encoding, TLS, timeouts).
 */
final class FirehoseRequestHandler implements RequestHandler {
    private static final Logger log = LoggerFactory.getLogger(FirehoseRequestHandler.class);
    static final String ACCESS_KEY_HEADER = "X-Amz-Firehose-Access-Key";
    static final String REQUEST_ID_HEADER = "X-Amz-Firehose-Request-Id";

    private final Supplier<String> accessKey;
    private final PushDelivery<CloudWatchLogEvent> delivery;
    private final Clock clock;

    /**
     * @param accessKey the key configured on the Firehose stream (re-read on rotation)
     * @param delivery  the shared hand-off; its budget keeps the answer below the request timeout and Firehose's 3 minutes
     */
    FirehoseRequestHandler(Supplier<String> accessKey, PushDelivery<CloudWatchLogEvent> delivery, Clock clock) {
        this.accessKey = accessKey;
        this.delivery = delivery;
        this.clock = clock;
    }

    /** The access key is checked before the body is read: a wrong key costs the sender nothing of ours. */
    @Override
    public HandlerResponse answerBeforeBody(java.util.function.Function<String, String> header) {
        if (!Secrets.matches(header.apply(ACCESS_KEY_HEADER), accessKey.get())) {
            return answer(401, header.apply(REQUEST_ID_HEADER), "access key missing or wrong");
        }
        return null;
    }

    @Override
    public boolean authenticates() {
        return true;
    }

    @Override
    public HandlerResponse handle(ReceivedRequest request) throws InterruptedException {
        String headerId = request.header(REQUEST_ID_HEADER);
        JsonNode body;
        try {
            body = EventJson.MAPPER.readTree(request.body());
        } catch (IOException e) {
            return answer(400, headerId, "body is not JSON");
        }
        String requestId = body == null ? null : body.path("requestId").asText(null);
        if (requestId == null) {
            return answer(400, headerId, "body has no requestId: not a Firehose HTTP endpoint request");
        }
        JsonNode records = body.get("records");
        if (records == null || !records.isArray()) {
            return answer(400, requestId, "body has no records array");
        }
        List<SourceRecord<CloudWatchLogEvent>> logEvents = new ArrayList<>();
        int i = 0;
        for (JsonNode r : records) {
            try {
                logEvents.addAll(SubscriptionPayloads.fromBase64Gzip(r.path("data").asText(null), requestId + ".records[" + i++ + "]"));
            } catch (IllegalArgumentException e) {
                // Retrying cannot fix it; Firehose keeps the request in its S3 backup after its retries.
                return answer(400, requestId, e.getMessage());
            }
        }
        return switch (delivery.deliver(logEvents)) {
            case PushDelivery.Delivered d -> {
                log.debug("firehose request {} delivered: {} records, {} events, {} skipped, {} errors", requestId,
                        records.size(), d.submission().events(), d.submission().skipped(), d.submission().errors());
                yield answer(200, requestId, null);
            }
            case PushDelivery.NotDelivered n -> delivery.unavailable(answer(503, requestId, "delivery failed: " + n.detail()));
        };
    }


    /** Firehose's response format: requestId and timestamp (ms), plus errorMessage on failure. */
    private HandlerResponse answer(int status, String requestId, String errorMessage) {
        ObjectNode json = EventJson.MAPPER.createObjectNode();
        if (requestId != null) {
            json.put("requestId", requestId);
        }
        json.put("timestamp", clock.millis());
        if (errorMessage != null) {
            json.put("errorMessage", errorMessage);
            log.warn("firehose request {} answered {}: {}", requestId, status, errorMessage);
        }
        return HandlerResponse.json(status, EventJson.toString(json));
    }
}
