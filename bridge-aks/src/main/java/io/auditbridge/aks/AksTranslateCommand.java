package io.auditbridge.aks;

import io.auditbridge.core.cli.HelpGroup;
import com.fasterxml.jackson.core.JsonParser;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import io.auditbridge.core.cli.TranslateCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code translate}: saved Event Hubs message bodies to NDJSON Events. A file holding one JSON document is one
 * message body; otherwise each non-blank line is one (the NDJSON a capture tool writes).
 */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate saved Event Hubs message bodies ({\"records\":[…]}) to NDJSON audit Events on stdout (stdin when no FILE).")
final class AksTranslateCommand extends TranslateCommand<byte[]> {
    @Mixin
    CategoryOptions categories;

    @Override
    protected String source() {
        return "aks";
    }

    @Override
    protected Translator<byte[]> translator() {
        return categories.translator();
    }

    @Override
    protected List<SourceRecord<byte[]>> decode(String name, byte[] content) {
        return messageBodies(name, content);
    }

    /**
     * Streams what {@link #messageBodies} returns: each NDJSON line as it is read (only the current body in
     * memory); an input whose first line is not a whole JSON value is one pretty-printed body, read whole.
     */
    @Override
    protected void decode(String name, java.io.InputStream in, RecordConsumer<byte[]> out) throws IOException, InterruptedException {
        io.auditbridge.core.LineReader lines = new io.auditbridge.core.LineReader(io.auditbridge.core.Gzip.gunzipIfGzip(in));
        byte[] first;
        do {
            first = lines.next();
        } while (first != null && io.auditbridge.core.LineReader.isBlank(first));
        if (first == null) {
            return;
        }
        if (!isOneJsonDocument(first)) {
            byte[] firstWithNewline = java.util.Arrays.copyOf(first, first.length + 1);
            firstWithNewline[first.length] = '\n';
            java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
            whole.write(firstWithNewline);
            lines.remaining().transferTo(whole);
            for (SourceRecord<byte[]> body : messageBodies(name, whole.toByteArray())) {
                out.accept(body);
            }
            return;
        }
        // A body is handed on once the next one is seen: a file of one line is one body named like the file.
        long pendingLine = lines.lineNumber();
        byte[] pending = first;
        boolean single = true;
        for (byte[] line; (line = lines.next()) != null; ) {
            if (io.auditbridge.core.LineReader.isBlank(line)) {
                continue;
            }
            out.accept(SourceRecord.unpositioned(name + ":" + pendingLine, pending));
            single = false;
            pending = line;
            pendingLine = lines.lineNumber();
        }
        out.accept(SourceRecord.unpositioned(single ? name : name + ":" + pendingLine, pending));
    }

    static List<SourceRecord<byte[]>> messageBodies(String name, byte[] content) {
        if (isOneJsonDocument(content)) {
            return List.of(SourceRecord.unpositioned(name, content));
        }
        List<SourceRecord<byte[]>> bodies = new ArrayList<>();
        int start = 0;
        int line = 1;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                String text = new String(content, start, i - start, StandardCharsets.UTF_8);
                if (!text.isBlank()) {
                    bodies.add(SourceRecord.unpositioned(name + ":" + line, text.getBytes(StandardCharsets.UTF_8)));
                }
                start = i + 1;
                line++;
            }
        }
        return bodies;
    }

    /** True when the content parses as exactly one JSON value (possibly pretty-printed over many lines). */
    private static boolean isOneJsonDocument(byte[] content) {
        try (JsonParser p = EventJson.MAPPER.createParser(content)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
