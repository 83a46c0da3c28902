package io.auditbridge.gke;

import com.google.cloud.functions.CloudEventsFunction;
import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.DeliveryFailedException;
import io.auditbridge.core.Pipeline;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Submission;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.Durations;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.sink.DeadLetterLog;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Cloud Function (2nd gen) for a Log Router sink → Pub/Sub topic: each CloudEvent carries one LogEntry as
 * JSON in {@code message.data}. It is translated and delivered to the configured sink before the invocation
 * returns; when delivery fails within the retry budget the invocation fails, so Pub/Sub redelivers the
 * message (never acknowledged, then lost). Input that cannot be translated is logged and counted and the
 * message acknowledged: redelivering it cannot help. Dead letters (events the sink refused for their content,
 * untranslatable records) are structured JSON lines on stderr, which Cloud Logging keeps; never a file in /tmp,
 * which is memory and dies with the instance, so a message is acknowledged only once its dead letters are logged.
 *
 * <p>Configured like the CLI, from {@code AUDITBRIDGE_*} variables ({@code AUDITBRIDGE_SINK},
 * {@code AUDITBRIDGE_SINK_TOKEN_FILE}, {@code AUDITBRIDGE_MAX_RETRY_DURATION} (default 30s), …). One pipeline
 * serves every invocation of an instance, so its dedupe also merges an exec's first and last entries.
 */
public final class GkeAuditFunction implements CloudEventsFunction {
    private static final Logger log = LoggerFactory.getLogger(GkeAuditFunction.class);
    private static final Duration DEFAULT_MAX_RETRY = Duration.ofSeconds(30);

    private static volatile Pipeline<byte[]> shared;

    private final Pipeline<byte[]> pipeline;
    private final Duration maxWait;

    /** The Functions Framework's constructor: the instance-wide pipeline, built from the environment once. */
    public GkeAuditFunction() {
        this(sharedPipeline(), retryBudget().plusSeconds(30));
    }

    /** @param maxWait how long one invocation waits for its delivery before failing (retry budget + a margin) */
    GkeAuditFunction(Pipeline<byte[]> pipeline, Duration maxWait) {
        this.pipeline = pipeline;
        this.maxWait = maxWait;
    }

    @Override
    public void accept(CloudEvent event) throws Exception {
        if (event.getData() == null) {
            log.warn("CloudEvent without data ignored id={} type={}", event.getId(), event.getType());
            return;
        }
        Submission s = pipeline.submit(List.of(SourceRecord.unpositioned(event.getId(), event.getData().toBytes())));
        pipeline.flush();
        try {
            s.done().get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof DeliveryFailedException d ? d : e;
        } catch (TimeoutException e) {
            throw new DeliveryFailedException("delivery of message " + event.getId() + " not done after " + maxWait);
        }
        if (s.errors() > 0 || s.skipped() > 0) {
            log.info("message id={} events={} skipped={} errors={}", event.getId(), s.events(), s.skipped(), s.errors());
        }
    }

    private static Pipeline<byte[]> sharedPipeline() {
        Pipeline<byte[]> p = shared;
        if (p == null) {
            synchronized (GkeAuditFunction.class) {
                p = shared;
                if (p == null) {
                    p = fromEnvironment();
                    shared = p;
                }
            }
        }
        return p;
    }

    /** The sink and pipeline options, read from AUDITBRIDGE_* variables the way the CLI reads its flags. */
    @Command(name = "gke-function")
    static final class Config {
        @Mixin
        SinkOptions sink;

        @Mixin
        PipelineOptions pipelineOptions;
    }

    /** How long delivery of one message is retried: AUDITBRIDGE_MAX_RETRY_DURATION, else 30s. */
    private static Duration retryBudget() {
        String v = System.getenv(BridgeCli.envName("--max-retry-duration"));
        return v == null || v.isBlank() ? DEFAULT_MAX_RETRY : Durations.parse(v);
    }

    static Pipeline<byte[]> fromEnvironment() {
        List<String> defaults = new ArrayList<>();
        if (System.getenv(BridgeCli.envName("--max-retry-duration")) == null) {
            defaults.addAll(List.of("--max-retry-duration", DEFAULT_MAX_RETRY.toSeconds() + "s"));
        }
        Config config = new Config();
        BridgeCli.commandLine(config).parseArgs(defaults.toArray(String[]::new));
        PipelineMetrics metrics = PipelineMetrics.inMemory("gke");
        Pipeline.Builder<byte[]> b = Pipeline.builder("gke", new LogEntryJsonTranslator(new LogEntryTranslator()),
                        config.sink.create(null, metrics))
                .metrics(metrics)
                .checkpoints(CheckpointStore.NONE)
                .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION)
                .deadLetters(DeadLetterLog.stderr()); // /tmp is memory, lost with the instance: Cloud Logging keeps stderr
        config.pipelineOptions.applyTo(b);
        Pipeline<byte[]> pipeline = b.build();
        try {
            pipeline.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return pipeline;
    }
}
