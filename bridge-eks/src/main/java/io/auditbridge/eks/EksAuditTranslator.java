package io.auditbridge.eks;

import io.auditbridge.core.Event;
import io.auditbridge.core.EventReader;
import io.auditbridge.core.EventValidation;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.Translator;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * EKS writes each audit Event to CloudWatch Logs as one compact JSON line, so translating is validating and
 * forwarding unchanged: kind Event, apiVersion audit.k8s.io/*, an auditID and a stageTimestamp (see
 * {@link EventValidation}). Added, never overwritten: {@code auditbridge.io/source=eks} and, when a cluster is
 * configured, {@code cluster_name} (Falco's {@code ka.cluster.name}).
 *
 * <p>Lines CloudWatch cut at its event size limit end with {@code [Truncated...]}; they and other unparseable
 * lines are reported with the auditID when it can be read from the text, and skipped. Subscription control
 * messages and streams other than the audit streams (the log group also holds the API server's, the
 * authenticator's and the controllers' logs) are skipped and counted.
 */
public final class EksAuditTranslator implements Translator<CloudWatchLogEvent> {
    /** The prefix of the log streams EKS writes audit Events to: {@code kube-apiserver-audit-<32 hex>}. */
    public static final String AUDIT_STREAM_PREFIX = "kube-apiserver-audit";
    public static final String PROVIDER = "eks";
    /** The annotation Falco's k8saudit plugin reads as {@code ka.cluster.name}. */
    public static final String CLUSTER_NAME_ANNOTATION = "cluster_name";

    static final String TRUNCATED_SUFFIX = "[Truncated...]";

    private final String clusterName;
    private final String streamPrefix;
    private final AnnotationSplicer splicer;

    /** @param clusterName the cluster_name annotation value, or null/blank to add none */
    public EksAuditTranslator(String clusterName) {
        this(clusterName, AUDIT_STREAM_PREFIX);
    }

    public EksAuditTranslator(String clusterName, String streamPrefix) {
        this.clusterName = clusterName == null || clusterName.isBlank() ? null : clusterName.trim();
        this.streamPrefix = streamPrefix;
        Map<String, String> added = new LinkedHashMap<>();
        added.put(Event.ANNOTATION_SOURCE, PROVIDER);
        if (this.clusterName != null) {
            added.put(CLUSTER_NAME_ANNOTATION, this.clusterName);
        }
        this.splicer = new AnnotationSplicer(added);
    }

    @Override
    public Translation translate(SourceRecord<CloudWatchLogEvent> record) {
        CloudWatchLogEvent in = record.payload();
        switch (in.kind()) {
            case CONTROL_MESSAGE:
                return Translation.skipped("control_message");
            case WINDOW_END:
                return Translation.builder().build();
            default:
                break;
        }
        if (in.logStream() != null && !in.logStream().startsWith(streamPrefix)) {
            return Translation.skipped("foreign_stream");
        }
        String message = in.message().strip();
        if (message.isEmpty()) {
            return Translation.failed(RecordError.of("empty", in.id(), null, "empty log message"));
        }
        if (message.endsWith(TRUNCATED_SUFFIX)) {
            return Translation.failed(RecordError.of("truncated", in.id(), EventValidation.recoverAuditId(message),
                    "log line truncated by CloudWatch Logs (" + message.length() + " chars); the Event cannot be parsed"));
        }
        Translation.Builder out = Translation.builder();
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        // The annotations go into the text itself, so the Event keeps its exact bytes and is never re-serialized;
        // annotate() below then finds them present (and adds them the general way when splicing was unsure).
        byte[] spliced = splicer.splice(text);
        EventReader.read(spliced != null ? spliced : text, item -> {
            if (item.isEvent()) {
                out.event(annotate(item.event()));
            } else if (item.error().startsWith("malformed JSON")) {
                out.error(RecordError.of("invalid_json", in.id(), EventValidation.recoverAuditId(message), item.error()));
            } else {
                out.error(RecordError.of("not_event", in.id(), item.auditId(), item.error()));
            }
        });
        return out.build();
    }

    private Event annotate(Event e) {
        e.putAnnotationIfAbsent(Event.ANNOTATION_SOURCE, PROVIDER);
        if (clusterName != null) {
            e.putAnnotationIfAbsent(CLUSTER_NAME_ANNOTATION, clusterName);
        }
        return e;
    }
}
