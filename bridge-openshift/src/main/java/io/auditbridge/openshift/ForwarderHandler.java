package io.auditbridge.openshift;

import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
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
    /** Translates records from their bytes; caches the cluster annotations across requests. */
    private final CollectorFieldStripper stripper = new CollectorFieldStripper();

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
        // The body is read record by record without a tree: each object record's bytes are copied out of the
        // body (charged to the request's budget first) and translated straight from them, the collector's members
        // cut out (CollectorFieldStripper). A record the byte path does not take (a repeated key, no level to
        // restore, not a valid Event, not an object) becomes a tree built against the budget, as every record did
        // before, so a body crafted to need trees is still refused by the budget rather than filling the heap.
        // Records are submitted in chunks while the body is read, so a request never holds more than one chunk
        // (charged to its budget); the events themselves are bounded by the pipeline's in-flight bound.
        RequestBudget.Lease lease = request.budget();
        long bodyMark = lease.held();
        List<SourceRecord<ForwardedRecord>> chunk = new ArrayList<>(CHUNK_RECORDS);
        PushDelivery<ForwardedRecord>.Push push = delivery.open();
        byte[] body = request.body();
        com.fasterxml.jackson.databind.ObjectReader trees = request.jsonReader();
        long[] count = {0};
        try {
            ForwarderBody.readSpans(body, trees, (start, end, scan, other) -> {
                count[0]++;
                if (count[0] > request.maxRecords()) {
                    throw new TooManyRecords();
                }
                ForwardedRecord record;
                if (other != null) {
                    record = new ForwardedRecord(other, cluster);
                } else {
                    lease.charge(end - start);
                    byte[] raw = java.util.Arrays.copyOfRange(body, start, end);
                    Translation t = fromBytes(raw, scan, cluster);
                    if (t != null) {
                        lease.charge(eventBytes(t));
                        record = ForwardedRecord.translated(t, cluster);
                    } else {
                        record = new ForwardedRecord(tree(trees, raw), cluster);
                    }
                }
                chunk.add(SourceRecord.unpositioned(requestId + "#" + (count[0] - 1), record));
                if (chunk.size() >= CHUNK_RECORDS || lease.held() - bodyMark >= CHUNK_BYTES) {
                    submitChunk(chunk, push, lease, bodyMark);
                }
            });
            submitChunk(chunk, push, lease, bodyMark);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        } catch (TooManyRecords e) {
            throw new PayloadTooLargeException("more than " + request.maxRecords() + " records in one request");
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

    /** Records per submitted chunk, and the bytes held (record copies, events, trees) after which a chunk is submitted early. */
    static final int CHUNK_RECORDS = 256;
    static final long CHUNK_BYTES = 4L * 1024 * 1024;

    private void submitChunk(List<SourceRecord<ForwardedRecord>> chunk, PushDelivery<ForwardedRecord>.Push push,
                             RequestBudget.Lease lease, long bodyMark) throws InterruptedException {
        if (chunk.isEmpty()) {
            return;
        }
        push.submit(List.copyOf(chunk));
        chunk.clear();
        // The records became events (counted by the pipeline's in-flight bound): give their budget back.
        lease.releaseTo(bodyMark);
    }

    /** The byte path's translation, or null when the tree path decides (also if the byte path ever fails). */
    private Translation fromBytes(byte[] raw, CollectorFieldStripper.Members scan, String cluster) {
        try {
            return stripper.translate(raw, scan, cluster);
        } catch (RuntimeException e) {
            log.debug("byte path failed on a record, the tree path decides: {}", e.getClass().getName());
            return null;
        }
    }

    /** Bytes a translation holds until its chunk is submitted. */
    private static long eventBytes(Translation t) {
        long bytes = 0;
        for (io.auditbridge.core.Event e : t.events()) {
            bytes += e.size();
        }
        return bytes;
    }

    /** The tree of a record the byte path left to the translator's tree path, charged to the request's budget. */
    private static com.fasterxml.jackson.databind.JsonNode tree(com.fasterxml.jackson.databind.ObjectReader trees, byte[] raw) {
        try {
            return trees.readTree(raw);
        } catch (java.io.IOException e) {
            // The record was just read as part of the body, so it is JSON; say so if that ever fails.
            throw ForwarderBody.malformed(e);
        }
    }

    /** Carries the record limit out of the parse callback. */
    private static final class TooManyRecords extends RuntimeException {
        TooManyRecords() {
            super(null, null, false, false);
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
