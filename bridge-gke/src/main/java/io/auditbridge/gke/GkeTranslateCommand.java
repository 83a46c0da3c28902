package io.auditbridge.gke;

import io.auditbridge.core.RecordError;
import io.auditbridge.core.io.RecordingInputStream;
import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import io.auditbridge.core.cli.TranslateCommand;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.Gzip;
import io.auditbridge.core.JsonErrors;
import io.auditbridge.core.LineReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code translate [FILE...]}: saved Cloud Logging entries to NDJSON audit Events on stdout. Each input is one
 * record: a LogEntry object, a JSON array ({@code gcloud logging read --format=json}), NDJSON, or a Pub/Sub
 * push / CloudEvent body from a Log Router sink.
 */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate saved GKE audit LogEntries (JSON object, array, NDJSON, Pub/Sub message) to NDJSON audit Events on stdout (stdin when no FILE).")
final class GkeTranslateCommand extends TranslateCommand<JsonValue> {
    @Override
    protected String source() {
        return "gke";
    }

    @Override
    protected Translator<JsonValue> translator() {
        return new LogEntryJsonTranslator(new LogEntryTranslator()).forValues();
    }

    @Override
    protected List<SourceRecord<JsonValue>> decode(String name, byte[] content) {
        List<SourceRecord<JsonValue>> out = new ArrayList<>();
        try {
            parse(name, new ByteArrayInputStream(content), out::add);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("reading an array cannot fail this way", e);
        }
        return out;
    }

    /**
     * One record per top-level value as it is read, so a large export is never held whole and delivery starts
     * with its first entry: each element of a top-level array ({@code gcloud logging read --format=json}), else
     * each line of NDJSON (a bad line is reported and the rest translated), else each value of a pretty-printed
     * sequence (one object, a Pub/Sub body, an API response). Parsed on a {@link ReadAhead} thread, a few batches
     * ahead of translation.
     */
    @Override
    protected void decode(String name, InputStream in, RecordConsumer<JsonValue> out) throws IOException, InterruptedException {
        ReadAhead.run(name, parsed -> parse(name, in, parsed), out);
    }

    static void parse(String name, InputStream in, RecordConsumer<JsonValue> out) throws IOException, InterruptedException {
        InputStream body = Gzip.gunzipIfGzip(in);
        if (LineReader.firstNonBlank(LineReader.peek(body, 4096)) == '[') {
            // An array (gcloud output, often one line for the whole file): element by element, never as a line.
            values(name, body, 0, out);
            return;
        }
        LineReader lines = new LineReader(body);
        byte[] first = lines.nextNonBlank();
        if (first == null) {
            return;
        }
        JsonNode firstValue = EventJson.wholeValue(first);
        int index = 0;
        if (firstValue != null && !firstValue.isArray()) {
            out.accept(SourceRecord.unpositioned(name + "#" + index++, JsonValue.of(firstValue)));
            for (byte[] line; (line = lines.next()) != null; ) {
                if (!LineReader.isBlank(line)) {
                    JsonNode value = EventJson.wholeValue(line);
                    out.accept(SourceRecord.unpositioned(name + "#" + index++, value != null ? JsonValue.of(value)
                            : JsonValue.malformed(RecordError.MALFORMED_JSON + " at line " + lines.lineNumber())));
                }
            }
            return;
        }
        byte[] firstWithNewline = java.util.Arrays.copyOf(first, first.length + 1);
        firstWithNewline[first.length] = '\n';
        values(name, new java.io.SequenceInputStream(new ByteArrayInputStream(firstWithNewline), lines.remaining()), index, out);
    }

    private static void values(String name, InputStream whole, int index, RecordConsumer<JsonValue> out) throws IOException, InterruptedException {
        RecordingInputStream in = new RecordingInputStream(whole);
        try (JsonParser p = EventJson.MAPPER.createParser(in)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        JsonValue element = value(p, in); // read before counting: the error names whole entries
                        out.accept(SourceRecord.unpositioned(name + "#" + index++, element));
                    }
                } else {
                    JsonValue value = value(p, in);
                    out.accept(SourceRecord.unpositioned(name + "#" + index++, value));
                }
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("malformed JSON after entry " + index + ": " + JsonErrors.describe(e));
        }
    }

    /**
     * The value at the parser's current token: a k8s.io audit entry read as it streams past, without a tree; anything
     * else (another shape, a field only JsonFormat judges) as the tree of its own bytes, read again from where it began,
     * so it reaches the translator exactly as if it had been read as a tree in the first place.
     */
    private static JsonValue value(JsonParser p, RecordingInputStream in) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        if (start >= 0) {
            in.release(start);
        }
        if (p.currentToken() != JsonToken.START_OBJECT || start < 0) {
            return JsonValue.of(EventJson.MAPPER.readTree(p));
        }
        JsonStreamContext outside = p.getParsingContext().getParent();
        AuditEntryJsonReader.Read read = AuditEntryJsonReader.read(p);
        if (read != null) {
            return JsonValue.read(read);
        }
        while (p.getParsingContext() != outside) {
            if (p.nextToken() == null) {
                throw new JsonEOFException(p, null, "end of input inside an entry");
            }
        }
        long end = p.currentLocation().getByteOffset();
        byte[] entry = in.slice(start, end);
        if (entry == null) {
            throw new IllegalStateException("entry bytes " + start + ".." + end + " no longer held");
        }
        return JsonValue.of(EventJson.MAPPER.readTree(entry));
    }

}
