package io.auditbridge.eks;

import io.auditbridge.core.Event;
import io.auditbridge.core.EventBytes;
import io.auditbridge.core.EventReader;
import io.auditbridge.core.EventValidation;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.Translator;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * EKS writes each audit Event to CloudWatch Logs as one compact JSON line, so translating is validating and
 * forwarding unchanged: kind Event, apiVersion audit.k8s.io/*, an auditID and a stageTimestamp (see
 * {@link EventValidation}). Added, never overwritten: {@code auditbridge.io/source=eks} and {@code cluster_name}
 * (Falco's {@code ka.cluster.name}): the cluster the record's own log group names ({@code /aws/eks/<name>/cluster},
 * so one subscription Lambda fed by several clusters labels each event with its own), else the configured one.
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

    static final String TRUNCATED_SUFFIX = "[Truncated...]";

    /** Splicers for clusters named by log groups, bounded: a fleet has tens of clusters, not thousands. */
    private static final int MAX_CACHED_CLUSTERS = 1024;

    private final String clusterName;
    private final String streamPrefix;
    private final Annotating annotating;
    private final Map<String, Annotating> annotatingByCluster = new ConcurrentHashMap<>();

    /** The annotations one cluster's Events get, prepared once for both ways of adding them. */
    private record Annotating(EventBytes.Annotations annotations, AnnotationSplicer splicer) {
        static Annotating of(Map<String, String> added) {
            return new Annotating(new EventBytes.Annotations(added), new AnnotationSplicer(added));
        }
    }

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
            added.put(Event.ANNOTATION_CLUSTER_NAME, this.clusterName);
        }
        this.annotating = Annotating.of(added);
    }

    private static Annotating annotatingFor(String cluster) {
        Map<String, String> added = new LinkedHashMap<>();
        added.put(Event.ANNOTATION_SOURCE, PROVIDER);
        added.put(Event.ANNOTATION_CLUSTER_NAME, cluster);
        return Annotating.of(added);
    }

    /** The cluster this record belongs to: its log group's, else the configured one (null: none known). */
    String clusterOf(CloudWatchLogEvent in) {
        String fromGroup = EksLogGroup.clusterName(in.logGroup());
        return fromGroup != null ? fromGroup : clusterName;
    }

    private Annotating annotatingOf(String cluster) {
        if (cluster == null || cluster.equals(clusterName)) {
            return annotating;
        }
        Annotating a = annotatingByCluster.get(cluster);
        if (a == null) {
            a = annotatingFor(cluster);
            if (annotatingByCluster.size() < MAX_CACHED_CLUSTERS) {
                annotatingByCluster.putIfAbsent(cluster, a);
            }
        }
        return a;
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
            return Translation.failed(RecordError.of(RecordError.TRUNCATED, in.id(), EventValidation.recoverAuditId(message),
                    "log line truncated by CloudWatch Logs (" + message.length() + " chars); the Event cannot be parsed"));
        }
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        String cluster = clusterOf(in);
        Annotating adding = annotatingOf(cluster);
        // The common case: one compact, valid Event passes through as its bytes with the annotations spliced in,
        // no tree built. Anything else (EventLists, bad input) takes the general path, which also words the errors.
        Event passed = EventBytes.passThrough(text, adding.annotations());
        if (passed != null) {
            return Translation.of(passed);
        }
        Translation.Builder out = Translation.builder();
        // The annotations go into the text itself, so the Event keeps its exact bytes and is never re-serialized;
        // annotate() below then finds them present (and adds them the general way when splicing was unsure).
        byte[] spliced = adding.splicer().splice(text);
        EventReader.read(spliced != null ? spliced : text, item -> {
            if (item.isEvent()) {
                out.event(annotate(item.event(), cluster));
            } else if (item.error().startsWith(RecordError.MALFORMED_JSON)) {
                out.error(RecordError.of(RecordError.INVALID_JSON, in.id(), EventValidation.recoverAuditId(message), item.error()));
            } else {
                out.error(RecordError.of(RecordError.NOT_EVENT, in.id(), item.auditId(), item.error()));
            }
        });
        return out.build();
    }

    private static Event annotate(Event e, String cluster) {
        e.putAnnotationIfAbsent(Event.ANNOTATION_SOURCE, PROVIDER);
        if (cluster != null) {
            e.putAnnotationIfAbsent(Event.ANNOTATION_CLUSTER_NAME, cluster);
        }
        return e;
    }
}
