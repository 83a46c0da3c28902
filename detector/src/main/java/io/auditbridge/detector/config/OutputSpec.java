package io.auditbridge.detector.config;

import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.output.AlertOutput;
import io.auditbridge.detector.output.FailurePolicy;
import io.auditbridge.detector.output.ProgramAlertOutput;
import io.auditbridge.detector.output.RetryingOutput;
import java.time.Duration;

/**
 * One alert output and its failure handling.
 *
 * @param target    {@code stdout}, {@code file:PATH}, {@code program:COMMAND} or an {@code http(s)://} URL
 * @param onFailure what happens once the retries are spent
 * @param retries   attempts after the first
 * @param keepAlive for {@code program:}: one long-running process instead of one per alert (Falco's keep_alive)
 */
public record OutputSpec(String target, FailurePolicy onFailure, int retries, boolean keepAlive) {
    public static final int DEFAULT_RETRIES = 3;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(200);

    public OutputSpec {
        onFailure = onFailure == null ? FailurePolicy.BLOCK : onFailure;
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more");
        }
    }

    public static OutputSpec of(String target) {
        return new OutputSpec(target, FailurePolicy.BLOCK, DEFAULT_RETRIES, false);
    }

    /** @throws IllegalArgumentException naming the problem */
    public RetryingOutput open(PipelineMetrics metrics, Duration backoff) {
        AlertOutput o = keepAlive && target.startsWith("program:")
                ? new ProgramAlertOutput(target.substring("program:".length()), true) : AlertOutput.parse(target);
        return new RetryingOutput(o, onFailure, retries, backoff, metrics);
    }
}
