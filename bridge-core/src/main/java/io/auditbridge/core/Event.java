package io.auditbridge.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One {@code audit.k8s.io} Event, kept as the JSON tree it arrived as (or as a translator built it), or only as its
 * compact JSON bytes when {@link EventBytes} passed it through: the tree is then parsed the first time anything
 * asks for it, and the pipeline and the sinks, which read only the auditID, stage, stageTimestamp and the bytes,
 * never do.
 *
 * <p>Pass-through is exact: unknown fields, empty objects, integer/float spelling and timestamps stay as
 * written. When an Event was read from a compact JSON text, those bytes are kept and written back unchanged;
 * any change through this class drops them and the tree is serialized instead.
 *
 * <p>Not thread-safe while being built; once handed to {@link io.auditbridge.core.pipeline.Pipeline#submit} it must not be changed.
 */
public final class Event {
    /** Annotation naming, comma-separated, the Event fields the source could not carry. */
    public static final String ANNOTATION_MISSING = "auditbridge.io/missing";
    /** Annotation naming the provider the Event came from: {@code gke}, {@code eks}, {@code aks}, {@code openshift}. */
    public static final String ANNOTATION_SOURCE = "auditbridge.io/source";
    /**
     * Annotation naming the cluster the Event came from: Falco's {@code ka.cluster.name} reads it, and
     * k8saudit-gke writes it from the LogEntry's {@code cluster_name} resource label.
     */
    public static final String ANNOTATION_CLUSTER_NAME = "cluster_name";

    /** Null until asked for when the Event was built from its bytes alone ({@link #ofValidatedBytes}). */
    private volatile ObjectNode json;
    private byte[] bytes;
    private String dedupeKey;
    private boolean keyed;
    /** Set for an Event built from its bytes: the fields the pipeline reads, so it never needs the tree. */
    private final boolean fieldsKnown;
    private final String knownAuditId;
    private final String knownStage;
    private final String knownStageTimestamp;

    private Event(ObjectNode json, byte[] bytes) {
        this.json = json;
        this.bytes = bytes;
        this.fieldsKnown = false;
        this.knownAuditId = null;
        this.knownStage = null;
        this.knownStageTimestamp = null;
    }

    private Event(byte[] compactJson, String auditId, String stage, String stageTimestamp) {
        this.json = null;
        this.bytes = compactJson;
        this.fieldsKnown = true;
        this.knownAuditId = auditId;
        this.knownStage = stage;
        this.knownStageTimestamp = stageTimestamp;
    }

    /** Wraps a tree the caller built or parsed; the caller gives up ownership. */
    public static Event of(ObjectNode json) {
        return new Event(json, null);
    }

    /**
     * Wraps a parsed tree together with the exact compact JSON text it was parsed from. {@code compactJson}
     * must hold no line break (it is written as one NDJSON line) and must be the text of {@code json}.
     */
    static Event ofParsed(ObjectNode json, byte[] compactJson) {
        return new Event(json, compactJson);
    }

    /**
     * An Event held as its exact compact JSON text only, already validated by {@link EventBytes}, which read its
     * auditID, stage and stageTimestamp (null when not text); the tree is parsed the first time it is asked for.
     */
    static Event ofValidatedBytes(byte[] compactJson, String auditId, String stage, String stageTimestamp) {
        return new Event(compactJson, auditId, stage, stageTimestamp);
    }

    /**
     * An Event a translator wrote itself as compact JSON with a {@code JsonGenerator} (no tree in between); the
     * caller vouches that {@code compactJson} is one JSON object on one line, a valid Event whose auditID, stage and
     * stageTimestamp are the given values. The tree is parsed only if something asks for it.
     */
    public static Event ofWritten(byte[] compactJson, String auditId, String stage, String stageTimestamp) {
        return new Event(compactJson, auditId, stage, stageTimestamp);
    }

    /** The JSON tree, read-only by contract: change it only through this class. */
    public JsonNode json() {
        return tree();
    }

    private ObjectNode tree() {
        ObjectNode j = json;
        if (j == null) {
            try {
                j = (ObjectNode) EventJson.MAPPER.readTree(bytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("an Event's validated bytes no longer parse", e);
            }
            json = j;
        }
        return j;
    }

    public String auditId() {
        return fieldsKnown ? knownAuditId : text("auditID");
    }

    public String stage() {
        return fieldsKnown ? knownStage : text("stage");
    }

    public String stageTimestamp() {
        return fieldsKnown ? knownStageTimestamp : text("stageTimestamp");
    }

    public String verb() {
        return text("verb");
    }

    /** The value of one annotation, or null. */
    public String annotation(String key) {
        JsonNode v = tree().path("annotations").get(key);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    /** Adds or replaces one annotation, creating {@code annotations} when absent. */
    public Event putAnnotation(String key, String value) {
        ObjectNode root = tree();
        JsonNode existing = root.get("annotations");
        ObjectNode annotations = existing instanceof ObjectNode o ? o : root.putObject("annotations");
        annotations.put(key, value);
        bytes = null;
        return this;
    }

    /** Adds an annotation only when the Event does not carry one by that name already; true when added. */
    public boolean putAnnotationIfAbsent(String key, String value) {
        if (annotation(key) != null || tree().path("annotations").has(key)) {
            return false;
        }
        putAnnotation(key, value);
        return true;
    }

    /** Declares fields this Event's source could not carry, merged into {@link #ANNOTATION_MISSING}. */
    public Event declareMissing(Collection<String> fields) {
        if (fields.isEmpty()) {
            return this;
        }
        Set<String> all = new LinkedHashSet<>(missingFields());
        all.addAll(fields);
        return putAnnotation(ANNOTATION_MISSING, String.join(",", all));
    }

    public Event declareMissing(String... fields) {
        return declareMissing(Arrays.asList(fields));
    }

    /** The fields declared missing, in declaration order; empty when none. */
    public Set<String> missingFields() {
        String value = annotation(ANNOTATION_MISSING);
        Set<String> out = new LinkedHashSet<>();
        if (value != null) {
            for (String f : value.split(",")) {
                if (!f.isBlank()) {
                    out.add(f.trim());
                }
            }
        }
        return out;
    }

    /** Compact JSON of this Event, exactly as read when it was not changed since. */
    public byte[] toJsonBytes() {
        byte[] b = bytes;
        if (b == null) {
            b = EventJson.write(tree());
            bytes = b;
        }
        return b;
    }

    /** Size in bytes of {@link #toJsonBytes()}: what the Event weighs in a batch. */
    public int size() {
        return toJsonBytes().length;
    }

    /**
     * Dedupe key (auditID, stage), or null when the Event has no auditID. Built once: the pipeline asks for it
     * at submit, at acknowledgement and for in-flight copies (auditID and stage never change through this class).
     */
    public String dedupeKey() {
        if (!keyed) {
            String id = auditId();
            dedupeKey = id == null ? null : id + '\u0000' + stage();
            keyed = true;
        }
        return dedupeKey;
    }

    private String text(String field) {
        JsonNode v = tree().get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    @Override
    public String toString() {
        return "Event[auditID=" + auditId() + ", stage=" + stage() + "]";
    }
}
