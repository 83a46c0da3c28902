package io.auditbridge.eks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import io.auditbridge.core.DeliveryFailedException;
import io.auditbridge.core.Pipeline;
import io.auditbridge.core.Sink;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Submission;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.ops.PipelineMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * AWS Lambda handler for a CloudWatch Logs subscription filter on {@code /aws/eks/<cluster>/cluster}:
 * decodes {@code awslogs.data} (base64 of gzip), translates, delivers, and returns only once the sink
 * acknowledged. When delivery fails (retry budget spent, or the function is about to time out) it throws, so
 * Lambda's asynchronous retry delivers the same payload again (at-least-once; the detector sees duplicates
 * only then).
 *
 * <p>Configured like the CLI, from {@code AUDITBRIDGE_*} variables ({@code AUDITBRIDGE_SINK},
 * {@code AUDITBRIDGE_SINK_TOKEN}, {@code AUDITBRIDGE_CLUSTER}, {@code AUDITBRIDGE_MAX_RETRY_DURATION}, …). The
 * pipeline is built once per instance and reused by its invocations. No AWS SDK client is created here: the
 * payload arrives in the event, so cold start pays only for Jackson, OkHttp and the pipeline.
 */
public final class EksLambdaHandler implements RequestHandler<CloudWatchLogsEvent, String> {
    private static final Logger log = LoggerFactory.getLogger(EksLambdaHandler.class);
    /** Left for the function to answer before Lambda's own timeout. */
    private static final Duration MARGIN = Duration.ofSeconds(2);
    /** Retry budget per batch when none is configured: a failing webhook must fail the invocation, not hang it. */
    static final String DEFAULT_MAX_RETRY_DURATION = "60s";

    private final Pipeline<CloudWatchLogEvent> pipeline;
    private final SubscriptionDelivery delivery;

    /** The options the handler reads, from {@code AUDITBRIDGE_*} variables (or arguments, in tests). */
    @Command(name = "bridge-eks-lambda")
    static final class Settings {
        @Option(names = "--cluster", paramLabel = "NAME",
                description = "cluster_name annotation for payloads whose log group is not /aws/eks/<name>/cluster (those name their own).")
        String cluster;

        @Mixin
        SinkOptions sink;

        @Mixin
        PipelineOptions pipeline;

        @Mixin
        LogOptions logOptions;
    }

    /** Used by the Lambda runtime: settings from the environment. */
    public EksLambdaHandler() {
        this(System.getenv("AUDITBRIDGE_MAX_RETRY_DURATION") == null
                ? new String[] {"--max-retry-duration", DEFAULT_MAX_RETRY_DURATION} : new String[0]);
    }

    /** Settings from {@code args} first, then {@code AUDITBRIDGE_*} variables, then defaults. */
    EksLambdaHandler(String... args) {
        Settings settings = new Settings();
        BridgeCli.commandLine(settings).parseArgs(args);
        PipelineMetrics metrics = PipelineMetrics.inMemory(EksAuditTranslator.PROVIDER);
        Sink sink = settings.sink.create(null, metrics);
        Pipeline.Builder<CloudWatchLogEvent> b = Pipeline.builder(EksAuditTranslator.PROVIDER,
                        new EksAuditTranslator(settings.cluster), sink)
                .metrics(metrics)
                .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION)
                .deadLetters(new LogDeadLetters());
        settings.pipeline.applyTo(b);
        this.pipeline = b.build();
        try {
            pipeline.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("pipeline did not start: " + e.getMessage(), e);
        }
        this.delivery = new SubscriptionDelivery(pipeline);
    }

    @Override
    public String handleRequest(CloudWatchLogsEvent event, Context context) {
        String requestId = context == null ? "local" : context.getAwsRequestId();
        String data = event == null || event.getAwsLogs() == null ? null : event.getAwsLogs().getData();
        // An undecodable payload fails the invocation: Lambda's retries and its on-failure destination keep it.
        List<SourceRecord<CloudWatchLogEvent>> records = new ArrayList<>(SubscriptionPayloads.fromBase64Gzip(data, requestId));
        Duration timeout = context == null ? Duration.ofMinutes(5)
                : Duration.ofMillis(context.getRemainingTimeInMillis()).minus(MARGIN);
        try {
            Submission s = delivery.deliver(records, timeout);
            String summary = "records=" + records.size() + " events=" + s.events() + " skipped=" + s.skipped()
                    + " errors=" + s.errors() + " deduplicated=" + s.deduped();
            log.info("invocation {} delivered: {}", requestId, summary);
            return summary;
        } catch (DeliveryFailedException e) {
            throw new SubscriptionDeliveryException("invocation " + requestId + ": " + e.getMessage());
        } catch (TimeoutException e) {
            throw new SubscriptionDeliveryException("invocation " + requestId + ": not acknowledged within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubscriptionDeliveryException("invocation " + requestId + ": interrupted");
        }
    }

    /** Thrown to fail the invocation so Lambda retries it. */
    public static final class SubscriptionDeliveryException extends RuntimeException {
        public SubscriptionDeliveryException(String message) {
            super(message);
        }
    }

    PipelineMetrics metrics() {
        return pipeline.metrics();
    }

    /** Lambda never closes an instance; tests do. */
    void close() throws Exception {
        pipeline.close();
    }
}
