package io.auditbridge.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes Events as NDJSON or as one {@code EventList}, reusing each Event's exact bytes. */
public final class EventWriter {
    private static final byte[] LIST_HEAD =
            "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":["
                    .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LIST_TAIL = "]}".getBytes(StandardCharsets.US_ASCII);

    /** Bytes an EventList adds around its items, plus one comma per item: used to size batches. */
    public static final int LIST_OVERHEAD = LIST_HEAD.length + LIST_TAIL.length;

    private EventWriter() {}

    public static void writeNdjson(OutputStream out, Event event) throws IOException {
        out.write(event.toJsonBytes());
        out.write('\n');
    }

    public static void writeNdjson(OutputStream out, List<Event> events) throws IOException {
        for (Event e : events) {
            writeNdjson(out, e);
        }
    }

    public static void writeEventList(OutputStream out, List<Event> events) throws IOException {
        out.write(LIST_HEAD);
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(events.get(i).toJsonBytes());
        }
        out.write(LIST_TAIL);
    }

    /** The exact length of {@link #writeEventList}'s output for {@code events}. */
    public static long eventListLength(List<Event> events) {
        long size = LIST_OVERHEAD + Math.max(0, events.size() - 1);
        for (Event e : events) {
            size += e.size();
        }
        return size;
    }

    public static byte[] toEventList(List<Event> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.toIntExact(eventListLength(events)));
        try {
            writeEventList(out, events);
        } catch (IOException e) {
            throw new AssertionError("ByteArrayOutputStream does not throw", e);
        }
        return out.toByteArray();
    }
}
