package io.auditbridge.core.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters as log lines, for runtimes whose file system does not outlive the instance (Lambda, Cloud
 * Functions) and for Deployments whose log pipeline keeps stderr: each dead letter is one JSON object, the
 * same shape as a {@link DeadLetterFile} line ({@code time}, {@code reason}, and the {@code event} or the
 * {@code record}), logged at WARN by the logger {@code auditbridge.deadletter} so it can be routed and kept.
 */
public final class DeadLetterLog implements DeadLetters {
    /** The logger every dead-letter line goes to. */
    public static final String LOGGER = "auditbridge.deadletter";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final Clock clock;

    public DeadLetterLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void event(Event event, String reason) throws IOException {
        StringWriter line = new StringWriter(event.size() + 128);
        try (JsonGenerator g = EventJson.MAPPER.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("time", clock.instant().toString());
            g.writeStringField("reason", reason);
            g.writeStringField("auditID", event.auditId());
            g.writeFieldName("event");
            g.writeRawValue(new String(event.toJsonBytes(), StandardCharsets.UTF_8));
            g.writeEndObject();
        }
        log.warn("{}", line);
    }

    @Override
    public void record(String source, String recordId, String reason, String payload) throws IOException {
        StringWriter line = new StringWriter(256 + (payload == null ? 0 : payload.length()));
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
        log.warn("{}", line);
    }
}
