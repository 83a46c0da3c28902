package io.auditbridge.core.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventWriter;
import io.auditbridge.core.testing.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/**
 * The webhook body is now streamed from each Event's bytes into the request instead of being built as one array
 * first: it must be byte-for-byte the EventList the sink sent before ({@link EventWriter#toEventList}), with an
 * exact Content-Length, plain or gzip'd.
 */
class WebhookBodyTest {
    /** Events as read (their own bytes) and one changed after reading (serialized from its tree). */
    private static List<Event> batch(int n) {
        List<Event> events = new ArrayList<>(SampleEvents.events(1, n));
        events.add(SampleEvents.event(n + 1).putAnnotation("auditbridge.io/source", "eks"));
        ObjectNode unusual = (ObjectNode) SampleEvents.event(n + 2).json().deepCopy();
        unusual.put("note", "ünïcode \u2028 and \"quotes\"");
        events.add(Event.of(unusual));
        return events;
    }

    /** What WebhookSink sent before this change: the EventList array, gzip'd at level 1 when asked. */
    private static byte[] previousGzip(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(body);
        }
        return out.toByteArray();
    }

    @Test
    void thePlainBodyIsTheEventListBytesWithTheirExactLength() throws IOException {
        for (int n : new int[] {0, 1, 500}) {
            List<Event> events = batch(n);
            byte[] before = EventWriter.toEventList(events);
            WebhookSink.EventListBody body = new WebhookSink.EventListBody(events);
            Buffer sent = new Buffer();
            body.writeTo(sent);
            assertThat(sent.readByteArray()).as("batch of %d", events.size()).isEqualTo(before);
            assertThat(body.contentLength()).isEqualTo(before.length);
            assertThat(body.contentType().toString()).startsWith("application/json");
            // A retry writes the same request body again.
            Buffer again = new Buffer();
            body.writeTo(again);
            assertThat(again.readByteArray()).isEqualTo(before);
        }
    }

    @Test
    void aSingleEventBatchAndTheSampleBodyAreValidEventLists() {
        List<Event> one = SampleEvents.events(7, 1);
        assertThat(EventWriter.eventListLength(one)).isEqualTo(EventWriter.toEventList(one).length);
        assertThat(SampleEvents.auditIds(EventWriter.toEventList(one))).containsExactly(SampleEvents.auditId(7));
    }

    @Test
    void theGzipBodyIsTheSameBytesAsBeforeAndDecodesToTheEventList() throws IOException {
        List<Event> events = batch(300);
        byte[] plain = EventWriter.toEventList(events);
        byte[] gz = WebhookSink.gzip(events);
        assertThat(gz).isEqualTo(previousGzip(plain));
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
    }
}
