package io.auditbridge.gke;

import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.pubsub.v1.PubsubMessage;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.pipeline.Submission;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-off from the Pub/Sub {@code Subscriber} to the pipeline: submit the message, and ack it only when
 * its {@link Submission} completed, that is when every event it produced was acknowledged by the sink,
 * deduplicated, skipped or durably dead-lettered (a malformed message is written to the dead letters first).
 * A failed submission (retry budget spent, shutting down) is nacked so Pub/Sub redelivers; while delivery is
 * still retrying the message stays outstanding and the library keeps extending its lease.
 *
 * <p>It runs inside core's push lifecycle ({@code BridgeRuntime.runReceiver}) on that runtime's pipeline, but does not
 * wait through {@code PushDelivery.deliver}: that call flushes and blocks per push, which suits one HTTP request but
 * not a subscriber with thousands of messages outstanding (a blocked callback thread each, one-message batches).
 * Here each message's submission completes asynchronously and batches fill by size and age. Kept in one small
 * class so it can move onto a non-blocking form of the shared hand-off when core has one.
 */
final class PubsubDelivery implements MessageReceiver {
    private static final Logger log = LoggerFactory.getLogger(PubsubDelivery.class);

    private final Pipeline<byte[]> pipeline;
    private final Counter received;
    private final Counter acked;
    private final Counter nacked;
    private final Counter deadLettered;
    private final Timer ackLatency;
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong outstandingBytes = new AtomicLong();

    PubsubDelivery(Pipeline<byte[]> pipeline, PipelineMetrics metrics) {
        this.pipeline = pipeline;
        this.received = metrics.counter("auditbridge.pubsub.messages.received", "Pub/Sub messages received");
        this.acked = metrics.counter("auditbridge.pubsub.messages.acked",
                "Pub/Sub messages acked: every event delivered, deduplicated, skipped or dead-lettered");
        this.nacked = metrics.counter("auditbridge.pubsub.messages.nacked", "Pub/Sub messages nacked for redelivery (delivery failed)");
        this.deadLettered = metrics.counter("auditbridge.pubsub.messages.dead_lettered",
                "Pub/Sub messages that were not LogEntry JSON: written to the dead letters, then acked");
        this.ackLatency = Timer.builder("auditbridge.pubsub.ack.latency").tag("source", "gke")
                .description("From receiving a Pub/Sub message to acking it").register(metrics.registry());
        metrics.gauge("auditbridge.pubsub.outstanding.messages", "Pub/Sub messages received and not yet acked or nacked", outstanding::get);
        metrics.gauge("auditbridge.pubsub.outstanding.bytes", "Bytes of Pub/Sub messages received and not yet acked or nacked", outstandingBytes::get);
    }

    @Override
    public void receiveMessage(PubsubMessage message, AckReplyConsumer reply) {
        long t0 = System.nanoTime();
        long size = message.getData().size();
        received.increment();
        outstanding.incrementAndGet();
        outstandingBytes.addAndGet(size);
        String id = message.getMessageId();
        Submission s;
        try {
            s = pipeline.submit(List.of(SourceRecord.unpositioned(id, message.getData().toByteArray())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(size);
            nacked.increment();
            reply.nack();
            return;
        } catch (RuntimeException e) {
            // The pipeline is stopping (or refused the record): let Pub/Sub hand the message out again.
            log.warn("message id={} not submitted: {}", id, e.toString());
            finish(size);
            nacked.increment();
            reply.nack();
            return;
        }
        s.done().whenComplete((ok, failure) -> {
            finish(size);
            if (failure != null) {
                nacked.increment();
                log.debug("message id={} nacked: {}", id, failure.getMessage());
                reply.nack();
                return;
            }
            if (s.errors() > 0) {
                deadLettered.increment();
                log.warn("message id={} is not LogEntry JSON ({} error(s)): dead-lettered and acked", id, s.errors());
            }
            reply.ack();
            acked.increment();
            ackLatency.record(Duration.ofNanos(System.nanoTime() - t0));
        });
    }

    private void finish(long size) {
        outstanding.decrementAndGet();
        outstandingBytes.addAndGet(-size);
    }

    /** Messages received and not yet acked or nacked. */
    long outstanding() {
        return outstanding.get();
    }
}
