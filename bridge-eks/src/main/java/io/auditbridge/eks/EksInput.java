package io.auditbridge.eks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.SourceRecord;
import java.io.IOException;
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
}
