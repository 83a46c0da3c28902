package io.auditbridge.openshift;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Submission;
import io.auditbridge.core.http.BadRequestException;
import io.auditbridge.core.http.HandlerResponse;
import io.auditbridge.core.http.ReceivedRequest;
import io.auditbridge.core.http.RequestHandler;
import io.auditbridge.core.push.PushDelivery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one POST of a ClusterLogForwarder http output: splits the body into records, submits them to the
 * pipeline and answers only once their fate is known. 200 means every audit Event in the request was
 * acknowledged by the sink (or was a duplicate of one that was); 503 means at least one was not, so Vector
 * retries the whole batch from its buffer (the pipeline's dedupe drops what already went through). A body that
 * is not JSON is answered 400: Vector drops such a batch, and no retry could make it readable.
 */
final class ForwarderHandler implements RequestHandler {
    private static final Logger log = LoggerFactory.getLogger(ForwarderHandler.class);

    private final PushDelivery<ForwardedRecord> delivery;
    private final String clusterName;
    private final String clusterNameHeader;
    private final AtomicLong requests = new AtomicLong();

    /**
     * @param clusterName       the cluster name when the request does not carry one, or null
     * @param clusterNameHeader request header naming the cluster (set in the CLF output's {@code http.headers}), or null
     */
    ForwarderHandler(PushDelivery<ForwardedRecord> delivery, String clusterName, String clusterNameHeader) {
        this.delivery = delivery;
        this.clusterName = clusterName;
        this.clusterNameHeader = clusterNameHeader;
    }

    @Override
    public HandlerResponse handle(ReceivedRequest request) throws BadRequestException, InterruptedException {
        String requestId = "req-" + requests.incrementAndGet();
        List<JsonNode> records;
        try {
            records = ForwarderBody.records(request.body());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        String cluster = clusterNameFor(request);
        List<SourceRecord<ForwardedRecord>> submitted = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            submitted.add(SourceRecord.unpositioned(requestId + "#" + i, new ForwardedRecord(records.get(i), cluster)));
        }
        PushDelivery.Outcome outcome = delivery.deliver(submitted);
        if (outcome instanceof PushDelivery.NotDelivered n) {
            log.warn("request {} not delivered, answering 503 so the collector retries: {}", requestId, n.detail());
            return delivery.unavailable(HandlerResponse.text(503, "events not delivered yet; retry"));
        }
        Submission submission = outcome.submission();
        log.debug("request {} delivered records={} events={} skipped={} errors={} deduped={}", requestId, records.size(),
                submission.events(), submission.skipped(), submission.errors(), submission.deduped());
        return HandlerResponse.json(200, "{\"records\":" + records.size() + ",\"events\":" + submission.events()
                + ",\"skipped\":" + submission.skipped() + ",\"errors\":" + submission.errors()
                + ",\"deduplicated\":" + submission.deduped() + "}");
    }

    private String clusterNameFor(ReceivedRequest request) {
        String fromHeader = clusterNameHeader == null ? null : request.header(clusterNameHeader);
        if (fromHeader != null && !fromHeader.isBlank()) {
            return fromHeader.strip();
        }
        return clusterName;
    }
}
