package io.auditbridge.core.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One dead letter as a JSON line ending in a newline: the writer's own leading fields ({@code time},
 * {@code reason}, and for the log its level and logger), then the {@code auditID} and whole {@code event}, or the
 * failed {@code record} with its source, id and payload. The file and the log write the same body this way.
 */
final class DeadLetterLines {
    /** The fields a writer puts first in every line. */
    interface Header {
        void write(JsonGenerator g) throws IOException;
    }

    private DeadLetterLines() {}

    static byte[] event(Header header, Event event) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(event.size() + 256);
        try (JsonGenerator g = EventJson.MAPPER.createGenerator(line)) {
            g.writeStartObject();
            header.write(g);
            g.writeStringField("auditID", event.auditId());
            g.writeFieldName("event");
            g.writeRawValue(new String(event.toJsonBytes(), StandardCharsets.UTF_8));
            g.writeEndObject();
        }
        line.write('\n');
        return line.toByteArray();
    }

    static byte[] record(Header header, String source, String recordId, String payload) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256 + (payload == null ? 0 : payload.length()));
        try (JsonGenerator g = EventJson.MAPPER.createGenerator(line)) {
            g.writeStartObject();
            header.write(g);
            g.writeObjectFieldStart("record");
            g.writeStringField("source", source);
            g.writeStringField("id", recordId);
            g.writeStringField("payload", payload);
            g.writeEndObject();
            g.writeEndObject();
        }
        line.write('\n');
        return line.toByteArray();
    }
}
