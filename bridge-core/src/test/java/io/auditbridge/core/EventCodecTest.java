package io.auditbridge.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private static final String EXACT = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Request\",\"auditID\":\"a-1\","
            + "\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/pods?limit=500\",\"verb\":\"list\",\"metadata\":{},"
            + "\"responseStatus\":{\"metadata\":{},\"code\":404},\"ratio\":1.50,\"big\":12345678901234567890,"
            + "\"requestReceivedTimestamp\":\"2026-11-29T10:00:00.000001Z\",\"stageTimestamp\":\"2026-11-29T10:00:00.100000Z\","
            + "\"unknownField\":{\"nested\":[1,2.0,\"x\",null,true]},\"userAgent\":\"\"}";

    @Test
    void passThroughKeepsEveryFieldAndSpellingAsItCame() {
        Event e = EventReader.readEvents(EXACT.getBytes(StandardCharsets.UTF_8)).getFirst();
        assertThat(new String(e.toJsonBytes(), StandardCharsets.UTF_8)).isEqualTo(EXACT);
    }

    @Test
    void reserializedTreeKeepsIntegersFloatsAndEmptyObjects() {
        Event e = EventReader.readEvents(EXACT.getBytes(StandardCharsets.UTF_8)).getFirst();
        e.putAnnotation("cluster_name", "prod"); // forces serialization from the tree
        String out = new String(e.toJsonBytes(), StandardCharsets.UTF_8);
        assertThat(out)
                .contains("\"code\":404}")
                .contains("\"ratio\":1.50,")
                .contains("\"big\":12345678901234567890,")
                .contains("\"metadata\":{},")
                .contains("\"nested\":[1,2.0,\"x\",null,true]")
                .contains("\"stageTimestamp\":\"2026-11-29T10:00:00.100000Z\"")
                .contains("\"userAgent\":\"\"")
                .endsWith("\"annotations\":{\"cluster_name\":\"prod\"}}");
    }

    @Test
    void readsSingleEventEventListArrayAndNdjson() {
        String one = SampleEvents.json(1);
        String two = SampleEvents.json(2);
        assertIds(one, "1");
        assertIds("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":[" + one + "," + two + "]}", "1", "2");
        assertIds("[" + one + ",\n" + two + "]", "1", "2");
        assertIds(one + "\n" + two + "\n", "1", "2");
        assertIds("{\n  \"kind\": \"Event\", \"apiVersion\": \"audit.k8s.io/v1beta1\", \"auditID\": \"x\", \"stageTimestamp\": \"2026-01-01T00:00:00Z\"\n}");
    }

    private static void assertIds(String input, String... numbers) {
        List<Event> events = EventReader.readEvents(input.getBytes(StandardCharsets.UTF_8));
        if (numbers.length == 0) {
            assertThat(events).hasSize(1);
            return;
        }
        assertThat(events).extracting(Event::auditId)
                .containsExactly(java.util.Arrays.stream(numbers).map(n -> SampleEvents.auditId(Integer.parseInt(n))).toArray(String[]::new));
    }

    @Test
    void badElementsAreReportedWithIndexAndAuditIdWithoutStoppingTheRest() {
        String input = "[" + SampleEvents.json(1) + ",42,{\"kind\":\"Pod\",\"auditID\":\"zz\"},"
                + "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"no-ts\"}," + SampleEvents.json(2) + "]";
        List<EventReader.Item> items = EventReader.readAll(input.getBytes(StandardCharsets.UTF_8));
        assertThat(items).extracting(EventReader.Item::isEvent).containsExactly(true, false, false, false, true);
        assertThat(items.get(1).error()).isEqualTo("expected an Event, got a number");
        assertThat(items.get(2).error()).isEqualTo("kind is Pod, not Event");
        assertThat(items.get(2).auditId()).isEqualTo("zz");
        assertThat(items.get(3).error()).isEqualTo("no stageTimestamp");
    }

    @Test
    void malformedJsonIsAnErrorItemThatDoesNotQuoteTheInput() {
        String secretish = "{\"kind\":\"Event\",\"data\":\"c2VjcmV0LXZhbHVl\" oops";
        List<EventReader.Item> items = EventReader.readAll(secretish.getBytes(StandardCharsets.UTF_8));
        assertThat(items).hasSize(1);
        assertThat(items.getFirst().error()).startsWith("malformed JSON").doesNotContain("c2VjcmV0LXZhbHVl").doesNotContain("oops");
    }

    @Test
    void aBadTokenInTheInputIsNotQuotedInTheReason() {
        List<EventReader.Item> items = EventReader.readAll("I1129 10:00:00.000 klog line with s3cr3t".getBytes(StandardCharsets.UTF_8));
        assertThat(items.getFirst().error()).startsWith("malformed JSON: Unrecognized token").doesNotContain("I1129").doesNotContain("s3cr3t");
    }

    @Test
    void writesNdjsonAndEventList() throws Exception {
        List<Event> events = SampleEvents.events(1, 3);
        ByteArrayOutputStream nd = new ByteArrayOutputStream();
        EventWriter.writeNdjson(nd, events);
        assertThat(nd.toString(StandardCharsets.UTF_8)).isEqualTo(SampleEvents.ndjson(1, 3));
        byte[] list = EventWriter.toEventList(events);
        assertThat(new String(list, StandardCharsets.UTF_8)).startsWith("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\"");
        assertThat(EventReader.readEvents(list)).extracting(Event::auditId)
                .containsExactly(SampleEvents.auditId(1), SampleEvents.auditId(2), SampleEvents.auditId(3));
    }

    @Test
    void declaredGapsMergeIntoOneAnnotation() {
        Event e = SampleEvents.event(1);
        e.declareMissing("requestObject").declareMissing("requestURI.query", "requestObject");
        assertThat(e.annotation(Event.ANNOTATION_MISSING)).isEqualTo("requestObject,requestURI.query");
        assertThat(e.missingFields()).containsExactly("requestObject", "requestURI.query");
    }

    @Test
    void annotationIfAbsentNeverOverwritesTheEventsOwn() {
        Event e = SampleEvents.event(1);
        assertThat(e.putAnnotationIfAbsent("authorization.k8s.io/decision", "deny")).isFalse();
        assertThat(e.annotation("authorization.k8s.io/decision")).isEqualTo("allow");
        assertThat(e.putAnnotationIfAbsent("cluster_name", "prod")).isTrue();
    }
}
