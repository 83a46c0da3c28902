package io.auditbridge.detector.output;

import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.engine.Alert;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One output with its own failure handling: a failed publish is retried {@code retries} times with doubling
 * backoff, then handled by its {@link FailurePolicy}. Failures are counted in
 * {@code auditbridge_detector_output_failures_total{output}}, drops in {@code auditbridge_detector_alerts_dropped_total{output}}.
 */
public final class RetryingOutput implements AlertOutput {
    private static final Logger log = LoggerFactory.getLogger(RetryingOutput.class);

    private final AlertOutput output;
    private final FailurePolicy policy;
    private final int retries;
    private final Duration backoff;
    private final PipelineMetrics metrics;

    public RetryingOutput(AlertOutput output, FailurePolicy policy, int retries, Duration backoff, PipelineMetrics metrics) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more");
        }
        this.output = output;
        this.policy = policy;
        this.retries = retries;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    /**
     * @throws IOException only with {@link FailurePolicy#BLOCK}, once every attempt failed
     */
    @Override
    public void publish(List<Alert> alerts) throws IOException, InterruptedException {
        if (alerts.isEmpty()) {
            return;
        }
        long wait = backoff.toMillis();
        for (int attempt = 0; ; attempt++) {
            try {
                output.publish(alerts);
                return;
            } catch (IOException | RuntimeException e) {
                metrics.counter("auditbridge.detector.output.failures", "Failed alert output attempts", "output", output.describe()).increment();
                if (attempt < retries) {
                    log.warn("alert output {} failed (attempt {} of {}): {}; retrying in {} ms", output.describe(), attempt + 1,
                            retries + 1, e.getMessage(), wait);
                    Thread.sleep(wait);
                    wait = Math.min(wait * 2, 30_000);
                    continue;
                }
                if (policy == FailurePolicy.DROP) {
                    metrics.counter("auditbridge.detector.alerts.dropped", "Alerts an output with on-failure=drop gave up on",
                            "output", output.describe()).increment(alerts.size());
                    log.error("alert output {} failed {} times: {}; dropped {} alert(s) (on-failure=drop), first: rule '{}' at {}",
                            output.describe(), attempt + 1, e.getMessage(), alerts.size(), alerts.get(0).rule(), alerts.get(0).time());
                    return;
                }
                throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
        }
    }

    public FailurePolicy policy() {
        return policy;
    }

    @Override
    public String describe() {
        return output.describe();
    }

    @Override
    public void close() throws IOException {
        output.close();
    }
}
