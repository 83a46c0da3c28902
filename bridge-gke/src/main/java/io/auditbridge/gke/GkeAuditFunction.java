package io.auditbridge.gke;

import com.google.cloud.functions.CloudEventsFunction;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.ServerlessOptions;
import io.auditbridge.core.push.PushDelivery;
import io.cloudevents.CloudEvent;
import java.util.List;
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
 * <p>Configured like the CLI, from {@code AUDITBRIDGE_*} variables through the shared {@link ServerlessOptions}
 * ({@code AUDITBRIDGE_SINK}, {@code AUDITBRIDGE_SINK_TOKEN_FILE}, {@code AUDITBRIDGE_INVOCATION_TIMEOUT}, …): the
 * retry budget is two thirds of the function's timeout. One pipeline serves every invocation of an instance, so its
 * dedupe also merges an exec's first and last entries.
 */
public final class GkeAuditFunction implements CloudEventsFunction {
    private static final Logger log = LoggerFactory.getLogger(GkeAuditFunction.class);

    private static volatile PushDelivery<byte[]> shared;

    private final PushDelivery<byte[]> delivery;

    /** The Functions Framework's constructor: the instance-wide pipeline, built from the environment once. */
    public GkeAuditFunction() {
        this(sharedDelivery());
    }

    GkeAuditFunction(PushDelivery<byte[]> delivery) {
        this.delivery = delivery;
    }

    @Override
    public void accept(CloudEvent event) throws Exception {
        if (event.getData() == null) {
            log.warn("CloudEvent without data ignored id={} type={}", event.getId(), event.getType());
            return;
        }
        PushDelivery.Outcome s = delivery.deliver(List.of(SourceRecord.unpositioned(event.getId(), event.getData().toBytes())))
                .orThrow("message " + event.getId());
        if (s.errors() > 0 || s.skipped() > 0) {
            log.info("message id={} events={} skipped={} errors={}", event.getId(), s.events(), s.skipped(), s.errors());
        }
    }

    private static PushDelivery<byte[]> sharedDelivery() {
        PushDelivery<byte[]> d = shared;
        if (d == null) {
            synchronized (GkeAuditFunction.class) {
                d = shared;
                if (d == null) {
                    d = fromEnvironment();
                    shared = d;
                }
            }
        }
        return d;
    }

    /** The options, read from AUDITBRIDGE_* variables the way the CLI reads its flags. */
    @Command(name = "gke-function")
    static final class Config {
        @Mixin
        ServerlessOptions serverless;
    }

    static PushDelivery<byte[]> fromEnvironment(String... args) {
        Config config = new Config();
        BridgeCli.commandLine(config).parseArgs(args);
        return config.serverless.start("gke", new LogEntryJsonTranslator(new LogEntryTranslator()));
    }
}
