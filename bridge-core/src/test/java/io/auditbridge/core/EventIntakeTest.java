package io.auditbridge.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.SampleEvents;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which elements are audit Events, as Falco's k8saudit plugin decides it: kube-apiserver's webhook backend
 * encodes an EventList's items without type metadata, recorded traces often lack apiVersion. Only a kind or
 * apiVersion that is present and names something else is refused.
 */
class EventIntakeTest {
    /** An item as k8s.io/apiserver's webhook backend encodes it (audit.k8s.io/v1 struct order, no TypeMeta). */
    static final String V1_ITEM = "{\"level\":\"Metadata\",\"auditID\":\"5e1c4a62-1f7b-4d0e-9a3c-2b8d7e6f5a41\",\"stage\":\"ResponseComplete\","
            + "\"requestURI\":\"/api/v1/namespaces/default/secrets/db\",\"verb\":\"get\",\"user\":{\"username\":\"alice\",\"groups\":[\"system:authenticated\"]},"
            + "\"sourceIPs\":[\"10.0.0.7\"],\"userAgent\":\"kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46\","
            + "\"objectRef\":{\"resource\":\"secrets\",\"namespace\":\"default\",\"name\":\"db\",\"apiVersion\":\"v1\"},"
            + "\"responseStatus\":{\"metadata\":{},\"code\":200},\"requestReceivedTimestamp\":\"2026-12-01T08:00:00.100000Z\","
            + "\"stageTimestamp\":\"2026-12-01T08:00:00.104200Z\",\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"\"}}";
    /** The same for audit.k8s.io/v1beta1: ObjectMeta and the deprecated timestamp are still encoded. */
    static final String V1BETA1_ITEM = "{\"metadata\":{\"creationTimestamp\":null},\"level\":\"Metadata\",\"timestamp\":\"2026-12-01T08:00:01Z\","
            + "\"auditID\":\"7a2d9c10-3e4f-4b5a-8c6d-1e2f3a4b5c6d\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/default/secrets/db\","
            + "\"verb\":\"get\",\"user\":{\"username\":\"alice\",\"groups\":[\"system:authenticated\"]},\"sourceIPs\":[\"10.0.0.7\"],"
            + "\"objectRef\":{\"resource\":\"secrets\",\"namespace\":\"default\",\"name\":\"db\",\"apiVersion\":\"v1\"},"
            + "\"responseStatus\":{\"metadata\":{},\"code\":200},\"requestReceivedTimestamp\":\"2026-12-01T08:00:01.000000Z\","
            + "\"stageTimestamp\":\"2026-12-01T08:00:01.003000Z\"}";

    @Test
    void apiServerEventListItemsWithoutTypeMetadataAreEventsAndKeepTheirBytes() {
        for (String version : List.of("audit.k8s.io/v1", "audit.k8s.io/v1beta1")) {
            String item = version.endsWith("v1") ? V1_ITEM : V1BETA1_ITEM;
            String body = "{\"kind\":\"EventList\",\"apiVersion\":\"" + version + "\",\"metadata\":{},\"items\":[" + item + "," + item + "]}\n";
            List<EventReader.Item> items = EventReader.readAll(body.getBytes(StandardCharsets.UTF_8));
            assertThat(items).as(version).hasSize(2).allMatch(EventReader.Item::isEvent);
            assertThat(new String(items.get(1).event().toJsonBytes(), StandardCharsets.UTF_8)).as("pass-through is byte-exact").isEqualTo(item);
        }
    }

    @Test
    void anEventWithoutApiVersionOrKindIsAccepted() {
        String noApiVersion = "{\"kind\":\"Event\"," + V1_ITEM.substring(1);
        List<Event> events = EventReader.readEvents((noApiVersion + "\n" + V1_ITEM + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(events).hasSize(2);
        assertThat(new String(events.get(0).toJsonBytes(), StandardCharsets.UTF_8)).isEqualTo(noApiVersion);
    }

    @Test
    void onlyAPresentKindOrApiVersionNamingSomethingElseOrABadStageTimestampIsRefused() {
        String body = "[" + "{\"kind\":\"Pod\"," + V1_ITEM.substring(1) + ","
                + "{\"apiVersion\":\"v1\"," + V1_ITEM.substring(1) + ","
                + "{\"kind\":7," + V1_ITEM.substring(1) + ","
                + V1_ITEM.replace("2026-12-01T08:00:00.104200Z", "yesterday") + ","
                + V1_ITEM.replace("\"auditID\":\"5e1c4a62-1f7b-4d0e-9a3c-2b8d7e6f5a41\",", "") + ","
                + V1_ITEM.replace("2026-12-01T08:00:00.104200Z", "2026-12-01T09:00:00.104200123+01:00") + "]";
        List<EventReader.Item> items = EventReader.readAll(body.getBytes(StandardCharsets.UTF_8));
        assertThat(items).extracting(EventReader.Item::error).containsExactly(
                "kind is Pod, not Event", "apiVersion v1 is not audit.k8s.io/*", "kind is 7, not Event",
                "stageTimestamp is not an RFC 3339 time", "no auditID", null);
        assertThat(items.get(0).auditId()).isEqualTo("5e1c4a62-1f7b-4d0e-9a3c-2b8d7e6f5a41");
    }

    @Test
    void aStreamIsReadElementByElementWithEachEventsExactBytes() throws IOException {
        String list = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":["
                + SampleEvents.json(1) + "," + V1_ITEM + "]}" + SampleEvents.json(2) + "\n[" + SampleEvents.json(3) + "]";
        List<String> seen = new ArrayList<>();
        // A stream that hands out 7 bytes per read, so elements straddle every buffer boundary.
        InputStream trickle = new ByteArrayInputStream(list.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        EventReader.read(trickle, item -> seen.add(new String(item.event().toJsonBytes(), StandardCharsets.UTF_8)));
        assertThat(seen).containsExactly(SampleEvents.json(1), V1_ITEM, SampleEvents.json(2), SampleEvents.json(3));
    }

    @Test
    void aStreamedEventListHandsOverItsItemsBeforeTheListEnds() throws IOException {
        String head = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":[" + V1_ITEM + ",";
        List<String> seen = new ArrayList<>();
        // The stream fails after the first item: that item must already have been delivered.
        InputStream failing = new java.io.SequenceInputStream(new ByteArrayInputStream(head.getBytes(StandardCharsets.UTF_8)), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        });
        try {
            EventReader.read(failing, item -> seen.add(item.auditId()));
        } catch (IOException expected) {
            assertThat(expected).hasMessage("connection reset");
        }
        assertThat(seen).containsExactly("5e1c4a62-1f7b-4d0e-9a3c-2b8d7e6f5a41");
    }

    @Test
    void anEventListIsReadWhateverTheOrderOfItsKeys() throws IOException {
        String[] bodies = {
                "{\"apiVersion\":\"audit.k8s.io/v1\",\"kind\":\"EventList\",\"metadata\":{},\"items\":[" + V1_ITEM + "]}",
                "{\"items\":[" + V1_ITEM + "],\"kind\":\"EventList\"}",
                "{ \n \"kind\" : \"EventList\", \"items\":[" + V1_ITEM + "]}",
        };
        for (String body : bodies) {
            assertThat(EventReader.readAll(body.getBytes(StandardCharsets.UTF_8))).as(body).singleElement()
                    .satisfies(i -> assertThat(i.auditId()).isEqualTo("5e1c4a62-1f7b-4d0e-9a3c-2b8d7e6f5a41"));
            List<String> streamed = new ArrayList<>();
            EventReader.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), i -> streamed.add(i.auditId()));
            assertThat(streamed).as(body).containsExactly("5e1c4a62-1f7b-4d0e-9a3c-2b8d7e6f5a41");
        }
    }

    @Test
    void onlyAnObjectThatMayStartWithKindEventListIsReadFieldByField() {
        for (String head : List.of("{\"kind\":\"EventList\"", "{ \"kind\" :  \"Event", "{\"ki", "{", "", "{\"kind\":")) {
            assertThat(EventReader.Reading.mayBeEventList(head.getBytes(StandardCharsets.UTF_8))).as(head).isTrue();
        }
        for (String head : List.of("{\"kind\":\"Event\",\"apiVersion\"", "{\"level\":\"Metadata\"", "{\"apiVersion\":\"audit.k8s.io/v1\"")) {
            assertThat(EventReader.Reading.mayBeEventList(head.getBytes(StandardCharsets.UTF_8))).as(head).isFalse();
        }
    }
}
