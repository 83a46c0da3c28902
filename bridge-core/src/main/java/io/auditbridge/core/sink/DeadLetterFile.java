package io.auditbridge.core.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * The dead-letter file: NDJSON, one object per line with {@code time}, {@code reason} and either the
 * {@code event} or the failed {@code record}. Appends are forced to disk before returning, because a
 * dead-lettered event counts as done and its position may be committed right after.
 */
public final class DeadLetterFile implements DeadLetters {
    private final Path path;
    private final Clock clock;
    private FileChannel channel;

    public DeadLetterFile(Path path, Clock clock) {
        this.path = path;
        this.clock = clock;
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void event(Event event, String reason) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(event.size() + 128);
        try (JsonGenerator g = EventJson.MAPPER.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("time", clock.instant().toString());
            g.writeStringField("reason", reason);
            g.writeStringField("auditID", event.auditId());
            g.writeFieldName("event");
            g.writeRawValue(new String(event.toJsonBytes(), java.nio.charset.StandardCharsets.UTF_8));
            g.writeEndObject();
        }
        append(line);
    }

    @Override
    public synchronized void record(String source, String recordId, String reason, String payload) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256 + (payload == null ? 0 : payload.length()));
        try (JsonGenerator g = EventJson.MAPPER.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("time", clock.instant().toString());
            g.writeStringField("reason", reason);
            g.writeObjectFieldStart("record");
            g.writeStringField("source", source);
            g.writeStringField("id", recordId);
            g.writeStringField("payload", payload);
            g.writeEndObject();
            g.writeEndObject();
        }
        append(line);
    }

    private void append(ByteArrayOutputStream line) throws IOException {
        line.write('\n');
        if (channel == null) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        ByteBuffer buf = ByteBuffer.wrap(line.toByteArray());
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(false);
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
