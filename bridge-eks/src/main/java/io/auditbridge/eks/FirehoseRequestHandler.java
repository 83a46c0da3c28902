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
import io.auditbridge.core.http.RequestBudget;
import io.auditbridge.core.Gzip;
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

    /** Counts answers by status and refusals by reason, like the OpenShift receiver. */
    static io.auditbridge.core.http.ResponseObserver observer(io.auditbridge.core.ops.PipelineMetrics metrics) {
        return new io.auditbridge.core.http.ResponseObserver() {
            @Override
            public void responded(String path, int status, java.time.Duration elapsed) {
                metrics.counter("auditbridge.receiver.requests", "Requests answered by the receiver, by HTTP status",
                        "status", Integer.toString(status)).increment();
            }

            @Override
            public void rejected(String path, String reason) {
                metrics.counter(REJECTED_METRIC, "Requests the receiver refused, by reason", "reason", reason).increment();
            }
        };
    }

    static final String REJECTED_METRIC = io.auditbridge.core.http.ResponseObserver.REJECTED_METRIC;

    /** Decompressed bytes one record's subscription payload may hold (the receiver's default decoded-body limit). */
    static final int MAX_RECORD_DECOMPRESSED = 16 * 1024 * 1024;

    @Override
    public HandlerResponse handle(ReceivedRequest request) throws InterruptedException {
        String headerId = request.header(REQUEST_ID_HEADER);
        RequestBudget.Lease lease = request.budget();
        // Every tree, decompressed payload and decoded base64 is charged to the request's budget as it is made:
        // a record of 60 MiB of tiny logEvents ends in 413 (or 503 while other requests hold the budget), never
        // in OutOfMemoryError.
        JsonNode body;
        try {
            body = request.jsonReader().readTree(request.body());
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
            String name = requestId + ".records[" + i++ + "]";
            try {
                logEvents.addAll(decode(request, lease, r.path("data").asText(null), name));
            } catch (IllegalArgumentException e) {
                // Retrying cannot fix it; Firehose keeps the request in its S3 backup after its retries.
                return answer(400, requestId, e.getMessage());
            } catch (TooLarge e) {
                return answer(413, requestId, e.getMessage());
            }
        }
        return switch (delivery.deliver(logEvents)) {
            case PushDelivery.Delivered d -> {
                log.debug("firehose request {} delivered: {} records, {} events, {} skipped, {} errors", requestId,
                        records.size(), d.events(), d.skipped(), d.errors());
                yield answer(200, requestId, null);
            }
            case PushDelivery.NotDelivered n -> delivery.unavailable(answer(503, requestId, "delivery failed: " + n.detail()));
        };
    }

    /** One record: base64 → gunzip (within the budget) → charged tree → log events, within the request's record limit. */
    private static List<SourceRecord<CloudWatchLogEvent>> decode(ReceivedRequest request, RequestBudget.Lease lease,
                                                                  String data, String name) {
        byte[] gz = SubscriptionPayloads.base64(data, name);
        lease.charge(gz.length);
        if (!Gzip.isGzip(gz)) {
            throw new IllegalArgumentException(name + ": data is not gzip");
        }
        long room = Math.min(MAX_RECORD_DECOMPRESSED, lease.limit() - lease.held());
        long before = lease.held();
        lease.charge(room); // held while decompressing; then only what it took
        byte[] json;
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz), 64 * 1024)) {
            json = Gzip.readAtMost(in, room);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": data is not valid gzip");
        }
        if (json.length > room) {
            throw new TooLarge(name + ": decompressed data exceeds " + room + " bytes");
        }
        lease.releaseTo(before + json.length);
        JsonNode payload;
        try {
            payload = request.jsonReader().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": payload is not JSON");
        }
        if (payload == null || !payload.isObject()) {
            throw new IllegalArgumentException(name + ": payload is not a JSON object");
        }
        JsonNode events = payload.path("logEvents");
        if (events.size() > request.maxRecords()) {
            throw new TooLarge(name + ": more than " + request.maxRecords() + " log events in one request");
        }
        return SubscriptionPayloads.fromJson(payload, name);
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge(String reason) {
            super(reason, null, false, false);
        }
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
