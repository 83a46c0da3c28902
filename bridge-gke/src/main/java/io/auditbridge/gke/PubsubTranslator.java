package io.auditbridge.gke;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.Translator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Translates one Pub/Sub message of a Log Router sink (the LogEntry JSON, see {@link LogEntryJson}) with the
 * poller's and the Cloud Function's {@link LogEntryTranslator}, and decides what the subscriber may ack:
 *
 * <ul>
 *   <li>entries of clusters outside {@code --cluster}/{@code --location} (read from each entry's
 *       {@code resource.labels}, so one topic can carry many projects' clusters) are skipped as
 *       {@code other_cluster}; entries that are not Kubernetes audit entries are skipped by the translator;</li>
 *   <li>a message that is not JSON or holds something that is not a LogEntry carries its whole text as a dead
 *       letter on its first error, so the pipeline writes it durably before the message is acked: redelivering
 *       it could never help, and it must not loop.</li>
 * </ul>
 */
final class PubsubTranslator implements Translator<byte[]> {
    static final String OTHER_CLUSTER = "other_cluster";

    private final LogEntryTranslator entries;
    private final Set<String> clusters;
    private final Set<String> locations;

    /** @param clusters only these {@code cluster_name}s, every one when empty; likewise {@code locations} */
    PubsubTranslator(LogEntryTranslator entries, List<String> clusters, List<String> locations) {
        this.entries = entries;
        this.clusters = Set.copyOf(trimmed(clusters));
        this.locations = Set.copyOf(trimmed(locations));
    }

    @Override
    public Translation translate(SourceRecord<byte[]> record) {
        Translation.Builder out = Translation.builder();
        List<LogEntryJson.Item> items = LogEntryJson.items(record.payload());
        if (items.isEmpty()) {
            return Translation.failed(withMessage(RecordError.of("empty_message", record.id(), null, "message without data"), record));
        }
        boolean deadLettered = false;
        for (LogEntryJson.Item item : items) {
            String itemId = record.id() + "#" + item.index();
            Translation t;
            if (item.entry() != null) {
                t = wanted(item.entry())
                        ? entries.translate(item.entry(), item.insertId() != null ? itemId + "/" + item.insertId() : itemId)
                        : Translation.skipped(OTHER_CLUSTER);
            } else if (item.skip() != null) {
                t = Translation.skipped(item.skip());
            } else {
                t = Translation.failed(RecordError.of(RecordError.codeOf(item.error(), LogEntryJson.NOT_LOG_ENTRY), itemId, item.insertId(), item.error()));
            }
            out.addAll(new Translation(t.events(), List.of(), t.skipped()));
            for (RecordError e : t.errors()) {
                out.error(deadLettered ? e : withMessage(e, record));
                deadLettered = true;
            }
        }
        return out.build();
    }

    /**
     * False for a cluster outside the filter, read from the entry's JSON before it is translated; entries of other
     * resource types are left to the translator to skip, and a label that is not text to the translator to refuse.
     */
    private boolean wanted(JsonNode entry) {
        JsonNode resource = entry.path("resource");
        if (!"k8s_cluster".equals(resource.path("type").textValue())) {
            return true;
        }
        JsonNode labels = resource.path("labels");
        return matches(clusters, labels.path(Event.ANNOTATION_CLUSTER_NAME)) && matches(locations, labels.path("location"));
    }

    private static boolean matches(Set<String> allowed, JsonNode label) {
        // absent reads as "", as protobuf's getOrDefault did; a null or an object is the translator's to refuse
        return allowed.isEmpty() || label.isNull() || label.isContainerNode() || allowed.contains(label.asText());
    }

    /** The error, keeping the whole message (as text) in the dead-letter file. */
    private static RecordError withMessage(RecordError e, SourceRecord<byte[]> record) {
        return new RecordError(e.code(), e.recordId(), e.auditId(), e.detail(),
                new String(record.payload(), StandardCharsets.UTF_8));
    }

    private static List<String> trimmed(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
    }
}
