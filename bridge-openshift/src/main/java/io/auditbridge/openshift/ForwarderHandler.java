package io.auditbridge.openshift;

import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.http.BadRequestException;
import io.auditbridge.core.http.HandlerResponse;
import io.auditbridge.core.http.ReceivedRequest;
import io.auditbridge.core.http.RequestHandler;
import io.auditbridge.core.push.PushDelivery;
import io.auditbridge.core.http.PayloadTooLargeException;
import io.auditbridge.core.http.RequestBudget;
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
        String cluster = clusterNameFor(request);
        if (ForwarderBody.hasMoreRecordsThan(request.body(), request.maxRecords())) {
            throw new PayloadTooLargeException("more than " + request.maxRecords() + " records in one request");
        }
        // Records are submitted in chunks while the body is read, so a request never holds more than one chunk
        // of trees (charged to its budget); the events themselves are bounded by the pipeline's in-flight bound.
        RequestBudget.Lease lease = request.budget();
        long bodyMark = lease.held();
        List<SourceRecord<ForwardedRecord>> chunk = new ArrayList<>(CHUNK_RECORDS);
        PushDelivery<ForwardedRecord>.Push push = delivery.open();
        long[] count = {0};
        try {
            ForwarderBody.read(request.body(), request.jsonReader(), json -> {
                count[0]++;
                if (count[0] > request.maxRecords()) {
                    throw new TooManyRecords();
                }
                chunk.add(SourceRecord.unpositioned(requestId + "#" + (count[0] - 1), new ForwardedRecord(json, cluster)));
                if (chunk.size() >= CHUNK_RECORDS || lease.held() - bodyMark >= CHUNK_BYTES) {
                    submitChunk(chunk, push, lease, bodyMark);
                }
            });
            submitChunk(chunk, push, lease, bodyMark);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        } catch (TooManyRecords e) {
            throw new PayloadTooLargeException("more than " + request.maxRecords() + " records in one request");
        } catch (Interrupted e) {
            throw e.cause;
        }
        PushDelivery.Outcome outcome = push.finish(null);
        if (outcome instanceof PushDelivery.NotDelivered n) {
            log.warn("request {} not delivered, answering 503 so the collector retries: {}", requestId, n.detail());
            return delivery.unavailable(HandlerResponse.text(503, "events not delivered yet; retry"));
        }
        log.debug("request {} delivered records={} events={} skipped={} errors={} deduped={}", requestId, count[0],
                outcome.events(), outcome.skipped(), outcome.errors(), outcome.deduped());
        return HandlerResponse.json(200, "{\"records\":" + count[0] + ",\"events\":" + outcome.events()
                + ",\"skipped\":" + outcome.skipped() + ",\"errors\":" + outcome.errors()
                + ",\"deduplicated\":" + outcome.deduped() + "}");
    }

    /** Records per submitted chunk, and the tree bytes after which a chunk is submitted early. */
    static final int CHUNK_RECORDS = 256;
    static final long CHUNK_BYTES = 4L * 1024 * 1024;

    private void submitChunk(List<SourceRecord<ForwardedRecord>> chunk, PushDelivery<ForwardedRecord>.Push push,
                             RequestBudget.Lease lease, long bodyMark) {
        if (chunk.isEmpty()) {
            return;
        }
        try {
            push.submit(List.copyOf(chunk));
        } catch (InterruptedException e) {
            throw new Interrupted(e);
        }
        chunk.clear();
        // The trees became events (counted by the pipeline's in-flight bound): give their budget back.
        lease.releaseTo(bodyMark);
    }

    /** Carries the record limit out of the parse callback. */
    private static final class TooManyRecords extends RuntimeException {
        TooManyRecords() {
            super(null, null, false, false);
        }
    }

    /** Carries an interrupt out of the parse callback. */
    private static final class Interrupted extends RuntimeException {
        final InterruptedException cause;

        Interrupted(InterruptedException cause) {
            super(null, null, false, false);
            this.cause = cause;
        }
    }

    private String clusterNameFor(ReceivedRequest request) {
        String fromHeader = clusterNameHeader == null ? null : request.header(clusterNameHeader);
        if (fromHeader != null && !fromHeader.isBlank()) {
            return fromHeader.strip();
        }
        return clusterName;
    }
}
