package io.auditbridge.core.cli;

import io.auditbridge.core.Translator;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.push.PushBudget;
import io.auditbridge.core.push.PushDelivery;
import io.auditbridge.core.sink.DeadLetterLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The one pipeline factory of the serverless handlers (the EKS Lambda, the GKE Cloud Function), configured like
 * the CLI from {@code AUDITBRIDGE_*} variables. It decides what every handler shares: failures go back to the
 * platform (a failed invocation, which the platform retries), the retry budget comes from the function's timeout
 * by {@link PushBudget}, and dead letters are logged as JSON lines ({@link DeadLetterLog}) because an
 * instance's file system does not outlive it: {@code --dead-letter-file} does not apply here.
 */
public final class ServerlessOptions {
    @Mixin
    public SinkOptions sink;

    @Mixin
    public PipelineOptions pipeline;

    @Mixin
    public LogOptions logOptions;

    @Option(names = "--invocation-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Durations.class,
            description = "The function's configured timeout: delivery is retried for two thirds of it unless "
                    + "--max-retry-duration says otherwise, and an invocation fails before it (default ${DEFAULT-VALUE}).")
    Duration invocationTimeout;

    /** The budget of one invocation; a bad value throws ConfigException naming its option. */
    public PushBudget budget() {
        try {
            PushBudget.forDeadline(invocationTimeout, null);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--invocation-timeout", e.getMessage());
        }
        try {
            return PushBudget.forDeadline(invocationTimeout, pipeline.maxRetryDuration());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--max-retry-duration", e.getMessage() + " (--invocation-timeout)");
        }
    }

    /** Builds and starts the instance's pipeline for {@code source}, behind the shared push hand-off. */
    public <T> PushDelivery<T> start(String source, Translator<T> translator) {
        PushBudget budget = budget();
        PipelineMetrics metrics = PipelineMetrics.inMemory(source);
        Pipeline.Builder<T> b = Pipeline.builder(source, translator, sink.create(null, metrics))
                .metrics(metrics)
                .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION)
                .deadLetters(DeadLetterLog.stderr());
        pipeline.applyTo(b, budget.retry());
        Pipeline<T> p = b.build();
        try {
            p.start();
        } catch (IOException e) {
            throw new UncheckedIOException("pipeline did not start: " + e.getMessage(), e);
        }
        return new PushDelivery<>(p, budget, Duration.ZERO);
    }
}
