package io.auditbridge.aks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventBytes;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.EventScanner;
import io.auditbridge.core.EventValidation;
import io.auditbridge.core.JsonErrors;
import io.auditbridge.core.JsonStringBytes;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.Translator;
import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates one Event Hubs message body written by AKS Diagnostic Settings, {@code {"records":[…]}}.
 *
 * <p>Records of the selected categories carry the audit Event as a JSON string in {@code properties.log};
 * it is parsed, validated and forwarded unchanged apart from two annotations added when absent:
 * {@code auditbridge.io/source=aks} and {@code cluster_name} (the operator's name, else the record's
 * {@code resourceId}'s: see {@link ClusterNaming}).
 * Records of other categories (klog text from kube-apiserver, cluster-autoscaler…) are skipped and counted.
 * A bad log (empty, cut at AKS's 16 KiB limit, not an Event) is a record error; the rest of the message
 * goes on. A body that is not an envelope at all is one error carrying the body for the dead-letter file,
 * so the partition moves past it instead of replaying it forever.
 */
public final class DiagnosticRecordTranslator implements Translator<byte[]> {
    /** The Diagnostic Settings categories that carry audit Events. */
    public static final Set<String> AUDIT_CATEGORIES = Set.of("kube-audit", "kube-audit-admin");

    private static final Pattern CLUSTER = Pattern.compile("/managedclusters/([^/]+)", Pattern.CASE_INSENSITIVE);

    private static final EventBytes.Annotations SOURCE_ONLY = EventBytes.Annotations.of(Event.ANNOTATION_SOURCE, "aks");
    /** Bounded: a namespace's messages name tens of clusters, not thousands. */
    private static final int MAX_CACHED_CLUSTERS = 1024;

    private final Set<String> categories;
    private final ClusterNaming naming;
    private final java.util.Map<String, EventBytes.Annotations> annotationsByCluster = new java.util.concurrent.ConcurrentHashMap<>();
    /** Off only in tests, which hold the body-bytes path to the parser's-text path it replaces. */
    boolean unescapeFromBody = true;

    public DiagnosticRecordTranslator(Set<String> categories) {
        this(categories, ClusterNaming.FROM_RESOURCE_ID);
    }

    DiagnosticRecordTranslator(Set<String> categories, ClusterNaming naming) {
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("at least one category is needed");
        }
        this.categories = Set.copyOf(categories);
        this.naming = naming;
    }

    public DiagnosticRecordTranslator() {
        this(AUDIT_CATEGORIES);
    }

    @Override
    public Translation translate(SourceRecord<byte[]> message) {
        // Streamed rather than read as a tree: the envelope is only a carrier, and this is the hot path.
        Translation.Builder out = Translation.builder();
        ClusterNames clusters = new ClusterNames(naming);
        LogReader logs = unescapeFromBody ? new LogReader(message.payload()) : null;
        if (logs != null) {
            Translation plain = new PlainEnvelope(message, logs).translate();
            if (plain != null) {
                return plain;
            }
        }
        try (JsonParser p = EventJson.MAPPER.createParser(message.payload())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return notEnvelope(message, "not a JSON object");
            }
            boolean sawRecords = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("records") && value == JsonToken.START_ARRAY) {
                    sawRecords = true;
                    int i = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        translateRecord(readRecord(p, logs), message.id(), i++, clusters, logs, out);
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (!sawRecords) {
                return notEnvelope(message, "no \"records\" array");
            }
        } catch (IOException e) {
            // Broken JSON anywhere makes the whole body suspect: dead-letter all of it, forward none of it.
            return notEnvelope(message, "malformed JSON: " + JsonErrors.describe(e));
        }
        return out.build();
    }

    /**
     * The fields of one Diagnostic Settings record this translator uses; null fields were absent. {@code log} is
     * the parsed properties.log ({@link JsonNode} or {@link LogProblem}) when the category was known to be
     * selected before it, else its text, parsed later.
     */
    private record DiagnosticRecord(boolean isObject, String category, String resourceId, boolean logIsText, Object log) {}

    /** A properties.log of a selected category, as UTF-8, not parsed yet. */
    private record LogBytes(byte[] utf8) {}

    /** A properties.log of a selected category, as UTF-8 in the message's {@link LogReader} buffer, not parsed yet. */
    private static final Object LOG_IN_BUFFER = new Object();

    /**
     * Unescapes the properties.log strings of one message from the body's own bytes into one reused buffer, while
     * the parser only skips them: no char[], String or per-record array on the way to the Event's bytes.
     */
    private static final class LogReader {
        /** Far above AKS's 16 KiB, far below Jackson's string length limit (20 M chars). */
        static final int MAX_LOG_BYTES = 1 << 20;

        private final byte[] body;
        private JsonStringBytes.Buffer buffer;

        LogReader(byte[] body) {
            this.body = body;
        }

        /** True when the string value the parser is at (not read yet) was unescaped into {@link #buffer}. */
        boolean unescapeCurrent(JsonParser p) {
            // The parser stands just after the value's opening quote until something reads the value.
            long at = p.currentLocation().getByteOffset();
            if (at <= 0 || at > body.length || body[(int) at - 1] != '"') {
                return false; // not where it should be: never unescape blind
            }
            return unescape((int) at) >= 0;
        }

        /**
         * Unescapes the string whose text starts at {@code body[at]} into {@link #buffer}: the index of its closing
         * quote, or -1 (not the plain case, or longer than {@link #MAX_LOG_BYTES}, where the parser's length limit
         * must decide).
         */
        int unescape(int at) {
            if (buffer == null) {
                buffer = new JsonStringBytes.Buffer(16 * 1024); // AKS cuts logs at 16 KiB
            }
            int close = JsonStringBytes.unescape(body, at, Math.min(body.length, at + MAX_LOG_BYTES + 1), buffer);
            return close;
        }
    }

    /** Why a properties.log is not JSON. */
    private record LogProblem(String code, String auditId, String detail) {}

    private DiagnosticRecord readRecord(JsonParser p, LogReader logs) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new DiagnosticRecord(false, null, null, false, null);
        }
        String category = null;
        String resourceId = null;
        Object log = null;
        boolean logIsText = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("category") && value == JsonToken.VALUE_STRING) {
                category = p.getText();
            } else if (field.equals("resourceId") && value == JsonToken.VALUE_STRING) {
                resourceId = p.getText();
            } else if (field.equals("properties") && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String property = p.currentName();
                    JsonToken v = p.nextToken();
                    if (property.equals("log") && v == JsonToken.VALUE_STRING) {
                        logIsText = true;
                        // AKS writes category first: the Event's UTF-8 straight from the parser's unescaped buffer,
                        // to pass through as bytes (no tree) once the cluster is known.
                        if (category != null && categories.contains(category) && logs != null && logs.unescapeCurrent(p)) {
                            log = LOG_IN_BUFFER; // the parser skips the string when asked for the next token
                        } else if (category != null && categories.contains(category)) {
                            byte[] utf8 = EventBytes.utf8(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                            log = utf8 != null ? new LogBytes(utf8) : parseLog(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                        } else {
                            log = p.getText();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return new DiagnosticRecord(true, category, resourceId, logIsText, log);
    }

    private static final byte[] RECORDS = "records".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CATEGORY = "category".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESOURCE_ID = "resourceId".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROPERTIES = "properties".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LOG = "log".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_TEXT = 1 << 20;

    /**
     * The message read without a parser, in one pass over its bytes (core {@link EventScanner} checks the JSON it
     * skips), giving the records to the same {@link #translateRecord}. Only the plain case: one compact envelope
     * whose keys have no escapes, no key this reads given twice, {@code category} before {@code properties.log},
     * a selected log {@link JsonStringBytes} takes, nothing after it. Anything else gives null before any result is
     * used, and the parser reads the whole message again, wording what is wrong.
     */
    private final class PlainEnvelope {
        private final SourceRecord<byte[]> message;
        private final byte[] b;
        private final int end;
        private final LogReader logs;
        private int i;

        PlainEnvelope(SourceRecord<byte[]> message, LogReader logs) {
            this.message = message;
            this.b = message.payload();
            this.end = b.length;
            this.logs = logs;
        }

        Translation translate() {
            Translation.Builder out = Translation.builder();
            ClusterNames clusters = new ClusterNames(naming);
            i = EventScanner.skipSpaces(b, 0, end);
            if (i < 0 || b[i] != '{' || (i = EventScanner.skipSpaces(b, i + 1, end)) < 0 || b[i] == '}') {
                return null;
            }
            boolean sawRecords = false;
            while (true) {
                int name = key();
                if (name < 0) {
                    return null;
                }
                if (is(name, RECORDS)) {
                    if (sawRecords || b[i] != '[' || (i = EventScanner.skipSpaces(b, i + 1, end)) < 0) {
                        return null;
                    }
                    sawRecords = true;
                    int index = 0;
                    if (b[i] == ']') {
                        i++;
                    } else {
                        while (true) {
                            DiagnosticRecord record = b[i] == '{' ? record() : skipped();
                            if (record == null) {
                                return null;
                            }
                            translateRecord(record, message.id(), index++, clusters, logs, out);
                            int after = next(']');
                            if (after < 0) {
                                return null;
                            }
                            if (after == CLOSED) {
                                break;
                            }
                        }
                    }
                } else if ((i = EventScanner.skipValue(b, i, end)) < 0) {
                    return null;
                }
                int after = next('}');
                if (after < 0) {
                    return null;
                }
                if (after == CLOSED) {
                    break;
                }
            }
            while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
                i++;
            }
            return i == end && sawRecords ? out.build() : null;
        }

        /** A key and its colon at {@code b[i]}: the index of the key's closing quote, {@code i} at the value; or -1. */
        private int key() {
            if (b[i] != '"') {
                return -1;
            }
            int close = EventScanner.plainStringEnd(b, i + 1, end, MAX_TEXT);
            if (close < 0 || (i = EventScanner.skipSpaces(b, close + 1, end)) < 0 || b[i] != ':'
                    || (i = EventScanner.skipSpaces(b, i + 1, end)) < 0) {
                return -1;
            }
            return close;
        }

        /** Whether the key that ends at {@code close} (and started after a quote) is {@code name}. */
        private boolean is(int close, byte[] name) {
            int from = close - name.length;
            return from > 0 && b[from - 1] == '"' && java.util.Arrays.equals(b, from, close, name, 0, name.length);
        }

        private static final int MORE = 0;
        private static final int CLOSED = 1;

        /** After a value (at {@code i}, or -1 after a bad one): past ',' and spaces ({@link #MORE}), past {@code closing} ({@link #CLOSED}), or -1. */
        private int next(char closing) {
            if (i < 0 || (i = EventScanner.skipSpaces(b, i, end)) < 0) {
                return -1;
            }
            if (b[i] == closing) {
                i++;
                return CLOSED;
            }
            return b[i] == ',' && (i = EventScanner.skipSpaces(b, i + 1, end)) >= 0 ? MORE : -1;
        }

        private DiagnosticRecord skipped() {
            i = EventScanner.skipValue(b, i, end);
            return i < 0 ? null : new DiagnosticRecord(false, null, null, false, null);
        }

        /** A plain string value at {@code b[i]}, or null (then {@code i} is -1 when it was not plain). */
        private String text() {
            int close = EventScanner.plainStringEnd(b, i + 1, end, MAX_TEXT);
            if (close < 0) {
                i = -1;
                return null;
            }
            String text = new String(b, i + 1, close - i - 1, StandardCharsets.UTF_8);
            i = close + 1;
            return text;
        }

        private DiagnosticRecord record() {
            String category = null;
            String resourceId = null;
            Object log = null;
            boolean logIsText = false;
            int seen = 0;
            if ((i = EventScanner.skipSpaces(b, i + 1, end)) < 0) {
                return null;
            }
            if (b[i] == '}') {
                i++;
                return new DiagnosticRecord(true, null, null, false, null);
            }
            while (true) {
                int name = key();
                if (name < 0) {
                    return null;
                }
                int field = is(name, CATEGORY) ? 1 : is(name, RESOURCE_ID) ? 2 : is(name, PROPERTIES) ? 4 : 0;
                if ((seen & field) != 0) {
                    return null; // given twice: the parser's reading decides
                }
                seen |= field;
                if (field == 1 && b[i] == '"') {
                    category = text();
                } else if (field == 2 && b[i] == '"') {
                    resourceId = text();
                } else if (field == 4 && b[i] == '{') {
                    if ((i = EventScanner.skipSpaces(b, i + 1, end)) < 0) {
                        return null;
                    }
                    if (b[i] == '}') {
                        i++;
                    } else {
                        boolean sawLog = false;
                        while (true) {
                            int property = key();
                            if (property < 0) {
                                return null;
                            }
                            if (is(property, LOG) && b[i] == '"') {
                                if (sawLog || category == null) {
                                    return null; // twice, or before the category: the parser's way
                                }
                                sawLog = true;
                                logIsText = true;
                                if (categories.contains(category)) {
                                    int close = logs.unescape(i + 1);
                                    if (close < 0) {
                                        return null;
                                    }
                                    log = LOG_IN_BUFFER;
                                    i = close + 1;
                                } else {
                                    i = EventScanner.skipValue(b, i, end); // skipped with the record: never read
                                }
                            } else if (is(property, LOG)) {
                                return null;
                            } else {
                                i = EventScanner.skipValue(b, i, end);
                            }
                            int after = next('}');
                            if (after < 0) {
                                return null;
                            }
                            if (after == CLOSED) {
                                break;
                            }
                        }
                    }
                } else {
                    i = EventScanner.skipValue(b, i, end);
                }
                int after = next('}');
                if (after < 0) {
                    return null;
                }
                if (after == CLOSED) {
                    return new DiagnosticRecord(true, category, resourceId, logIsText, log);
                }
            }
        }
    }

    private static Object parseLog(char[] text) {
        return parseLog(text, 0, text.length);
    }

    /** The annotations added where absent, in the order the general path adds them: cluster_name, then source. */
    private EventBytes.Annotations annotationsFor(String cluster) {
        if (cluster == null) {
            return SOURCE_ONLY;
        }
        EventBytes.Annotations a = annotationsByCluster.get(cluster);
        if (a == null) {
            java.util.Map<String, String> added = new java.util.LinkedHashMap<>();
            added.put(Event.ANNOTATION_CLUSTER_NAME, cluster);
            added.put(Event.ANNOTATION_SOURCE, "aks");
            a = new EventBytes.Annotations(added);
            if (annotationsByCluster.size() < MAX_CACHED_CLUSTERS) {
                annotationsByCluster.putIfAbsent(cluster, a);
            }
        }
        return a;
    }

    /** The JSON value of a properties.log, or a {@link LogProblem}. */
    private static Object parseLog(char[] text, int offset, int length) {
        boolean blank = true;
        for (int i = offset; i < offset + length && blank; i++) {
            blank = Character.isWhitespace(text[i]);
        }
        if (blank) {
            return new LogProblem("empty_log", null, "empty properties.log");
        }
        try (JsonParser p = EventJson.MAPPER.createParser(text, offset, length)) {
            return EventJson.MAPPER.readTree(p);
        } catch (JsonEOFException e) {
            return new LogProblem(RecordError.TRUNCATED, EventValidation.recoverAuditId(CharBuffer.wrap(text, offset, length)),
                    "properties.log ends inside the JSON after " + length + " chars (AKS cuts logs at 16 KiB)");
        } catch (IOException e) {
            return new LogProblem(RecordError.INVALID_JSON, EventValidation.recoverAuditId(CharBuffer.wrap(text, offset, length)),
                    "properties.log is not JSON: " + JsonErrors.describe(e));
        }
    }

    private void translateRecord(DiagnosticRecord record, String messageId, int index, ClusterNames clusters,
                                 LogReader logs, Translation.Builder out) {
        if (!record.isObject()) {
            out.error(RecordError.of("not_record", itemId(messageId, index), null, "records element is not an object"));
            return;
        }
        String category = record.category() == null ? "" : record.category();
        if (!categories.contains(category)) {
            // Bounded tag: the category itself comes from the input.
            out.skip(category.isEmpty() ? "no_category" : "category_not_selected");
            return;
        }
        if (!record.logIsText()) {
            out.error(RecordError.of("no_log", itemId(messageId, index), null, category + " record without a properties.log string"));
            return;
        }
        String cluster = clusters.of(record.resourceId());
        if (record.log() instanceof LogBytes bytes) {
            Event passed = EventBytes.passThrough(bytes.utf8(), annotationsFor(cluster));
            if (passed != null) {
                out.event(passed);
                return;
            }
        }
        if (record.log() == LOG_IN_BUFFER) {
            JsonStringBytes.Buffer b = logs.buffer;
            Event passed = EventBytes.passThroughCopy(b.bytes(), 0, b.length(), annotationsFor(cluster));
            if (passed != null) {
                out.event(passed);
                return;
            }
        }
        // Not one compact valid Event: the tree says what is wrong, or adds the annotations the general way.
        Object log = record.log() instanceof String text ? parseLog(text.toCharArray(), 0, text.length())
                : record.log() instanceof LogBytes bytes ? parseLog(new String(bytes.utf8(), StandardCharsets.UTF_8).toCharArray())
                : record.log() == LOG_IN_BUFFER ? parseLog(new String(logs.buffer.bytes(), 0, logs.buffer.length(), StandardCharsets.UTF_8).toCharArray())
                : record.log();
        if (log instanceof LogProblem problem) {
            out.error(RecordError.of(problem.code(), itemId(messageId, index), problem.auditId(), category + " record: " + problem.detail()));
            return;
        }
        JsonNode node = (JsonNode) log;
        String problem = EventValidation.problem(node);
        if (problem != null) {
            out.error(RecordError.of(RecordError.NOT_EVENT, itemId(messageId, index), EventValidation.recoverAuditId(node), "properties.log: " + problem));
            return;
        }
        Event event = Event.of((ObjectNode) node);
        if (cluster != null) {
            event.putAnnotationIfAbsent(Event.ANNOTATION_CLUSTER_NAME, cluster);
        }
        event.putAnnotationIfAbsent(Event.ANNOTATION_SOURCE, "aks");
        out.event(event);
    }

    /**
     * The managed cluster's name from its ARM id ({@code /SUBSCRIPTIONS/…/MANAGEDCLUSTERS/NAME}), as written:
     * Diagnostic Settings upper-case the whole id, and Azure names compare case-insensitively. Null when absent.
     */
    static String clusterName(String resourceId) {
        if (resourceId == null) {
            return null;
        }
        Matcher m = CLUSTER.matcher(resourceId);
        return m.find() ? m.group(1) : null;
    }

    /** The id of one record in a message, for its error; built only when there is one. */
    private static String itemId(String messageId, int index) {
        return messageId + "#" + index;
    }

    /** The records of one message nearly always share one resourceId: match it once. */
    private static final class ClusterNames {
        private final ClusterNaming naming;
        private String resourceId;
        private String name;

        ClusterNames(ClusterNaming naming) {
            this.naming = naming;
        }

        String of(String id) {
            if (naming.configured() != null) {
                return naming.configured();
            }
            if (id != null && !id.equals(resourceId)) {
                resourceId = id;
                name = naming.nameFor(id);
            }
            return id == null ? null : name;
        }
    }

    private static Translation notEnvelope(SourceRecord<byte[]> message, String why) {
        return Translation.failed(new RecordError("not_envelope", message.id(), null,
                "message body is not a Diagnostic Settings envelope: " + why,
                new String(message.payload(), StandardCharsets.UTF_8)));
    }
}
