package io.auditbridge.eks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.SourceRecord;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.Gzip;
import io.auditbridge.core.LineReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a saved file into log-event records, whatever shape it has:
 * <ul>
 *   <li>FilterLogEvents output ({@code aws logs filter-log-events}, or response bodies): {@code {"events":[…]}};</li>
 *   <li>a Lambda event {@code {"awslogs":{"data":"<base64 gzip>"}}} or a decoded subscription payload
 *       {@code {"messageType":…,"logEvents":[…]}};</li>
 *   <li>a Firehose HTTP endpoint request {@code {"requestId":…,"records":[{"data":"<base64 gzip>"}]}};</li>
 *   <li>raw audit Event lines (NDJSON, as in the log stream, truncated lines included), or one Event,
 *       EventList or array of Events;</li>
 *   <li>any of these gzip-compressed, and several JSON documents one after another.</li>
 * </ul>
 * Records carry no position: this is for {@code translate}.
 */
public final class EksInput {
    private EksInput() {}

    public static List<SourceRecord<CloudWatchLogEvent>> decode(String name, byte[] content) {
        if (SubscriptionPayloads.isGzip(content)) {
            return decode(name, SubscriptionPayloads.gunzip(content, name));
        }
        FirstValue first = firstValue(content);
        if (first == null || first.looksLikeEvents()) {
            if (first != null && !first.singleLine) {
                // A pretty-printed Event, EventList or array: one message, read as a whole.
                return List.of(SourceRecord.unpositioned(name, CloudWatchLogEvent.line(name, new String(content, StandardCharsets.UTF_8))));
            }
            return lines(name, content);
        }
        List<SourceRecord<CloudWatchLogEvent>> out = new ArrayList<>();
        try (var it = EventJson.MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(content)) {
            int doc = 0;
            while (it.hasNextValue()) {
                container(name + "#" + doc++, it.nextValue(), out);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON after record " + out.size());
        }
        return out;
    }

    private static void container(String name, JsonNode root, List<SourceRecord<CloudWatchLogEvent>> out) {
        if (root.has("awslogs")) {
            out.addAll(SubscriptionPayloads.fromBase64Gzip(root.path("awslogs").path("data").asText(null), name));
        } else if (root.has("messageType")) {
            out.addAll(SubscriptionPayloads.fromJson(root, name));
        } else if (root.has("records") && root.has("requestId")) {
            int i = 0;
            for (JsonNode r : root.get("records")) {
                out.addAll(SubscriptionPayloads.fromBase64Gzip(r.path("data").asText(null), name + ".records[" + i++ + "]"));
            }
        } else if (root.path("events").isArray()) {
            for (JsonNode e : root.get("events")) {
                out.add(SourceRecord.unpositioned(e.path("eventId").asText(name), pageEvent(name, e)));
            }
        } else {
            // Something else: let the translator say what is wrong with it.
            out.add(SourceRecord.unpositioned(name, CloudWatchLogEvent.line(name, EventJson.toString(root))));
        }
    }

    /** One FilterLogEvents {@code FilteredLogEvent} as the CLI or the wire writes it. */
    private static CloudWatchLogEvent pageEvent(String name, JsonNode e) {
        JsonNode message = e.get("message");
        return CloudWatchLogEvent.logEvent(e.path("logStreamName").asText(null), e.path("eventId").asText(name),
                e.path("timestamp").asLong(-1), e.path("ingestionTime").asLong(-1),
                message == null || message.isNull() ? "" : message.asText());
    }

    /** The members of a FilteredLogEvent that {@link #pageEvent} reads. */
    private static final java.util.Set<String> PAGE_EVENT_FIELDS = java.util.Set.of("logStreamName", "eventId", "timestamp",
            "ingestionTime", "message");

    /**
     * One {@code events} element, as {@link #pageEvent} reads it, without a tree of the rest: only the five members
     * it uses are kept (same values, same last-one-wins for repeated keys), everything else is skipped unread.
     */
    private static JsonNode pageEventFields(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            return EventJson.MAPPER.readTree(p);
        }
        ObjectNode kept = EventJson.MAPPER.createObjectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (!PAGE_EVENT_FIELDS.contains(field)) {
                p.skipChildren();
            } else if (value == JsonToken.VALUE_STRING) {
                kept.put(field, p.getText());
            } else {
                kept.set(field, EventJson.MAPPER.readTree(p));
            }
        }
        return kept;
    }

    private static List<SourceRecord<CloudWatchLogEvent>> lines(String name, byte[] content) {
        List<SourceRecord<CloudWatchLogEvent>> out = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                lineNo++;
                int end = i > start && content[i - 1] == '\r' ? i - 1 : i;
                if (!isBlank(content, start, end)) {
                    String id = name + ":" + lineNo;
                    out.add(SourceRecord.unpositioned(id,
                            CloudWatchLogEvent.line(id, new String(content, start, end - start, StandardCharsets.UTF_8))));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The first JSON value: whether it is audit Events rather than a CloudWatch container, and on one line. */
    private record FirstValue(boolean isArray, JsonNode object, boolean singleLine) {
        boolean looksLikeEvents() {
            return isArray || object.has("kind") || object.has("apiVersion") || object.has("auditID");
        }
    }

    /** Null when the first value does not parse (a truncated first line): the input is read as lines. */
    private static FirstValue firstValue(byte[] content) {
        try (JsonParser p = EventJson.MAPPER.createParser(content)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            long startLine = p.currentTokenLocation().getLineNr();
            if (t == JsonToken.START_ARRAY) {
                p.skipChildren();
                return new FirstValue(true, null, p.currentLocation().getLineNr() == startLine);
            }
            if (t != JsonToken.START_OBJECT) {
                return null;
            }
            JsonNode node = EventJson.MAPPER.readTree(p);
            return new FirstValue(false, node, p.currentLocation().getLineNr() == startLine);
        } catch (IOException e) {
            return null;
        }
    }

    /** Takes one record; may block under back-pressure. */
    @FunctionalInterface
    public interface RecordConsumer {
        void accept(SourceRecord<CloudWatchLogEvent> record) throws InterruptedException;
    }

    /**
     * The streaming form of {@link #decode} for {@code translate}: the same records, handed on as they are read,
     * so a large saved file (a 1M-event FilterLogEvents page, a long audit log) is never held whole. Raw audit
     * lines go one line at a time; a FilterLogEvents page one {@code events} element at a time; other containers
     * (subscription payloads, Firehose requests, pretty-printed Events) one JSON document at a time.
     */
    public static void stream(String name, InputStream input, RecordConsumer out) throws IOException, InterruptedException {
        InputStream body = Gzip.gunzipIfGzip(input);
        if (startsWithContainer(LineReader.peek(body, 64 * 1024))) {
            // FilterLogEvents output, subscription payloads, Firehose requests: read as JSON documents, never
            // as lines (`aws logs filter-log-events` may write a whole 1 GB page on one line).
            streamDocuments(name, body, out);
            return;
        }
        LineReader lines = new LineReader(body);
        byte[] first = lines.nextNonBlank();
        if (first == null) {
            return;
        }
        long firstLineNo = lines.lineNumber();
        JsonNode firstValue = EventJson.wholeValue(first);
        if (firstValue != null) {
            if (firstValue.isArray() || firstValue.has("kind") || firstValue.has("apiVersion") || firstValue.has("auditID")) {
                streamLines(name, first, firstLineNo, lines, out);
            } else {
                // One container per line (several JSON documents one after another).
                int doc = 0;
                for (byte[] line = first; line != null; line = lines.next()) {
                    if (LineReader.isBlank(line)) {
                        continue;
                    }
                    JsonNode root = line == first ? firstValue : EventJson.wholeValue(line);
                    if (root == null) {
                        throw new IllegalArgumentException("not valid JSON at line " + lines.lineNumber());
                    }
                    List<SourceRecord<CloudWatchLogEvent>> records = new ArrayList<>();
                    container(name + "#" + doc++, root, records);
                    for (SourceRecord<CloudWatchLogEvent> r : records) {
                        out.accept(r);
                    }
                }
            }
            return;
        }
        // The first line is not a whole value: pretty-printed JSON, or a truncated audit line followed by others.
        byte[] second;
        do {
            second = lines.next();
        } while (second != null && LineReader.isBlank(second));
        if (second == null || !isPrefixOfJson(first, second)) {
            streamLines(name, first, firstLineNo, lines, out, second);
            return;
        }
        InputStream whole = new SequenceInputStream(new ByteArrayInputStream(join(first, second)), lines.remaining());
        streamDocuments(name, whole, out);
    }

    private static void streamLines(String name, byte[] first, long firstLineNo, LineReader lines, RecordConsumer out)
            throws IOException, InterruptedException {
        out.accept(lineRecord(name, firstLineNo, first));
        for (byte[] line; (line = lines.next()) != null; ) {
            if (!LineReader.isBlank(line)) {
                out.accept(lineRecord(name, lines.lineNumber(), line));
            }
        }
    }

    private static void streamLines(String name, byte[] first, long firstLineNo, LineReader lines, RecordConsumer out, byte[] second)
            throws IOException, InterruptedException {
        out.accept(lineRecord(name, firstLineNo, first));
        if (second != null) {
            streamLines(name, second, lines.lineNumber(), lines, out);
        }
    }

    private static SourceRecord<CloudWatchLogEvent> lineRecord(String name, long lineNo, byte[] line) {
        String id = name + ":" + lineNo;
        return SourceRecord.unpositioned(id, CloudWatchLogEvent.line(id, new String(line, StandardCharsets.UTF_8)));
    }

    /** Pretty-printed documents: a FilterLogEvents page streams its events; anything else is read whole, as in decode. */
    private static void streamDocuments(String name, InputStream in, RecordConsumer out) throws IOException, InterruptedException {
        int doc = 0;
        int count = 0;
        try (JsonParser p = EventJson.MAPPER.createParser(in)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                String docName = name + "#" + doc++;
                if (t != JsonToken.START_OBJECT) {
                    JsonNode root = EventJson.MAPPER.readTree(p);
                    out.accept(SourceRecord.unpositioned(name, CloudWatchLogEvent.line(name, EventJson.toString(root))));
                    count++;
                    continue;
                }
                ObjectNode root = EventJson.MAPPER.createObjectNode();
                boolean streamedEvents = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    boolean plainPage = !root.has("awslogs") && !root.has("messageType") && !root.has("requestId")
                            && !root.has("kind") && !root.has("apiVersion") && !root.has("auditID");
                    if (field.equals("events") && value == JsonToken.START_ARRAY && plainPage) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            JsonNode e = pageEventFields(p);
                            out.accept(SourceRecord.unpositioned(e.path("eventId").asText(docName), pageEvent(docName, e)));
                            count++;
                        }
                        streamedEvents = true;
                    } else {
                        root.set(field, EventJson.MAPPER.readTree(p));
                    }
                }
                if (streamedEvents) {
                    continue;
                }
                List<SourceRecord<CloudWatchLogEvent>> records = new ArrayList<>();
                if (root.has("kind") || root.has("apiVersion") || root.has("auditID")) {
                    records.add(SourceRecord.unpositioned(name, CloudWatchLogEvent.line(name, EventJson.toString(root))));
                } else {
                    container(docName, root, records);
                }
                for (SourceRecord<CloudWatchLogEvent> r : records) {
                    out.accept(r);
                    count++;
                }
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("not valid JSON after record " + count);
        }
    }

    private static final java.util.Set<String> CONTAINER_FIELDS = java.util.Set.of("events", "searchedLogStreams",
            "nextToken", "nextForwardToken", "awslogs", "messageType", "owner", "logGroup", "logStream",
            "subscriptionFilters", "logEvents", "requestId", "records", "timestamp");

    /** Whether the input starts with an object whose first field is a CloudWatch container's, not an Event's. */
    private static boolean startsWithContainer(byte[] head) {
        try (JsonParser p = EventJson.MAPPER.createParser(head)) {
            return p.nextToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME
                    && CONTAINER_FIELDS.contains(p.currentName());
        } catch (IOException e) {
            return false;
        }
    }


    /** True when two lines read together still only lack an end: the start of a pretty-printed document. */
    private static boolean isPrefixOfJson(byte[] first, byte[] second) {
        try (JsonParser p = EventJson.MAPPER.createParser(join(first, second))) {
            while (p.nextToken() != null) {
                // read to the end of the two lines
            }
            return true;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Jackson reports a document that merely stops early as "Unexpected end-of-input …".
            String message = e.getOriginalMessage();
            return e instanceof com.fasterxml.jackson.core.io.JsonEOFException
                    || (message != null && message.contains("end-of-input"));
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] join(byte[] first, byte[] second) {
        byte[] out = new byte[first.length + second.length + 2];
        System.arraycopy(first, 0, out, 0, first.length);
        out[first.length] = '\n';
        System.arraycopy(second, 0, out, first.length + 1, second.length);
        out[out.length - 1] = '\n';
        return out;
    }
}
