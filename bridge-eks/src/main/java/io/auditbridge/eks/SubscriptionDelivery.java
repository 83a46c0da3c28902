package io.auditbridge.eks;

import io.auditbridge.core.DeliveryFailedException;
import io.auditbridge.core.Pipeline;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Submission;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers the records of one push (a Lambda invocation, a Firehose request) and waits for the sink's answer:
 * the caller acknowledges to AWS only when this returns, and fails (so AWS retries) when it throws. The
 * pipeline must hand failures back ({@link Pipeline.OnGiveUp#FAIL_SUBMISSION}) with a bounded retry.
 */
final class SubscriptionDelivery {
    private final Pipeline<CloudWatchLogEvent> pipeline;

    SubscriptionDelivery(Pipeline<CloudWatchLogEvent> pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * Submits, sends without waiting for the batch to age, and waits until every event is acknowledged.
     *
     * @throws DeliveryFailedException when an event could not be delivered within the retry budget
     * @throws TimeoutException        when {@code timeout} passed first (the events may still be delivered later)
     */
    Submission deliver(List<SourceRecord<CloudWatchLogEvent>> records, Duration timeout)
            throws DeliveryFailedException, TimeoutException, InterruptedException {
        Submission submission = pipeline.submit(records);
        pipeline.flush();
        try {
            submission.done().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DeliveryFailedException failed) {
                throw failed;
            }
            throw new DeliveryFailedException("delivery failed: " + e.getCause().getClass().getSimpleName());
        }
        return submission;
    }
}
