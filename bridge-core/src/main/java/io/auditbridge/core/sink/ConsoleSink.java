package io.auditbridge.core.sink;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** Writes each Event as one NDJSON line (stdout for {@code translate} and demos). */
public final class ConsoleSink implements io.auditbridge.core.Sink {
    private final OutputStream out;

    public ConsoleSink(OutputStream out) {
        this.out = new BufferedOutputStream(out, 1 << 16);
    }

    @Override
    public DeliveryResult deliver(List<Event> events) {
        try {
            EventWriter.writeNdjson(out, events);
            out.flush();
            return DeliveryResult.DELIVERED;
        } catch (IOException e) {
            return DeliveryResult.retry("console write failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public String describe() {
        return "console";
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
