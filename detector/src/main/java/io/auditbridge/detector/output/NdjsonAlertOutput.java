package io.auditbridge.detector.output;

import com.fasterxml.jackson.core.JsonGenerator;
import io.auditbridge.core.EventJson;
import io.auditbridge.detector.engine.Alert;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One alert per line (Falco's {@code json_output}), flushed after each batch. */
public class NdjsonAlertOutput implements AlertOutput {
    private final OutputStream out;
    private final String description;

    public NdjsonAlertOutput(OutputStream out, String description) {
        this.out = out;
        this.description = description;
    }

    @Override
    public synchronized void publish(List<Alert> alerts) throws IOException {
        if (alerts.isEmpty()) {
            return;
        }
        // One generator for the batch, each alert written straight into it (no tree, no string per alert).
        StringWriter text = new StringWriter(alerts.size() * 512);
        try (JsonGenerator g = EventJson.MAPPER.getFactory().createGenerator(text)) {
            g.setRootValueSeparator(null);
            for (Alert a : alerts) {
                a.writeJson(g);
                g.writeRaw('\n');
            }
        }
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        // A PrintStream (stdout) swallows write errors; a closed pipe must still fail the publish.
        if (out instanceof java.io.PrintStream ps && ps.checkError()) {
            throw new IOException(description + ": write failed");
        }
    }

    @Override
    public String describe() {
        return description;
    }
}
