package io.auditbridge.eks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import io.auditbridge.core.DeliveryFailedException;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.ServerlessOptions;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.push.PushDelivery;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * {@code AUDITBRIDGE_SINK_TOKEN}, {@code AUDITBRIDGE_CLUSTER}, {@code AUDITBRIDGE_INVOCATION_TIMEOUT}, …) through the
 * shared {@link ServerlessOptions}: the retry budget is two thirds of the function's timeout and dead letters are
 * logged as JSON lines. The pipeline is built once per instance and reused by its invocations. No AWS SDK client is created here: the
 * payload arrives in the event, so cold start pays only for Jackson, OkHttp and the pipeline.
 */
public final class EksLambdaHandler implements RequestHandler<CloudWatchLogsEvent, String> {
    private static final Logger log = LoggerFactory.getLogger(EksLambdaHandler.class);

    private final PushDelivery<CloudWatchLogEvent> delivery;

    /** The options the handler reads, from {@code AUDITBRIDGE_*} variables (or arguments, in tests). */
    @Command(name = "bridge-eks-lambda")
    static final class Settings {
        @Option(names = "--cluster", paramLabel = "NAME",
                description = "cluster_name annotation for payloads whose log group is not /aws/eks/<name>/cluster (those name their own).")
        String cluster;

        @Mixin
        ServerlessOptions serverless;
    }

    /** Used by the Lambda runtime: settings from the environment. */
    public EksLambdaHandler() {
        this(new String[0]);
    }

    /** Settings from {@code args} first, then {@code AUDITBRIDGE_*} variables, then defaults. */
    EksLambdaHandler(String... args) {
        Settings settings = new Settings();
        BridgeCli.commandLine(settings).parseArgs(args);
        this.delivery = settings.serverless.start(EksAuditTranslator.PROVIDER, new EksAuditTranslator(settings.cluster));
    }

    @Override
    public String handleRequest(CloudWatchLogsEvent event, Context context) {
        String requestId = context == null ? "local" : context.getAwsRequestId();
        String data = event == null || event.getAwsLogs() == null ? null : event.getAwsLogs().getData();
        // An undecodable payload fails the invocation: Lambda's retries and its on-failure destination keep it.
        List<SourceRecord<CloudWatchLogEvent>> records = new ArrayList<>(SubscriptionPayloads.fromBase64Gzip(data, requestId));
        Duration remaining = context == null ? null : Duration.ofMillis(context.getRemainingTimeInMillis());
        try {
            PushDelivery.Outcome s = delivery.deliver(records, remaining).orThrow("invocation " + requestId);
            String summary = "records=" + records.size() + " events=" + s.events() + " skipped=" + s.skipped()
                    + " errors=" + s.errors() + " deduplicated=" + s.deduped();
            log.info("invocation {} delivered: {}", requestId, summary);
            return summary;
        } catch (DeliveryFailedException e) {
            throw new SubscriptionDeliveryException(e.getMessage());
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
        return delivery.pipeline().metrics();
    }

    /** Lambda never closes an instance; tests do. */
    void close() throws IOException, InterruptedException {
        delivery.pipeline().close();
    }
}
