package io.auditbridge.eks;

import static io.auditbridge.eks.AuditFixtures.AUDIT_STREAM;
import static io.auditbridge.eks.AuditFixtures.auditLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.core.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EksInputTest {
    private static List<CloudWatchLogEvent> decode(String name, String content) {
        return decode(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes whole, and checks that streaming the same bytes (what translate does) gives the same records. */
    private static List<CloudWatchLogEvent> decode(String name, byte[] content) {
        List<SourceRecord<CloudWatchLogEvent>> whole;
        try {
            whole = EksInput.decode(name, content);
        } catch (IllegalArgumentException e) {
            assertThatThrownBy(() -> streamed(name, content)).isInstanceOf(IllegalArgumentException.class);
            throw e;
        }
        assertSameRecords(streamed(name, content), whole);
        return whole.stream().map(SourceRecord::payload).toList();
    }

    static List<SourceRecord<CloudWatchLogEvent>> streamed(String name, byte[] content) {
        List<SourceRecord<CloudWatchLogEvent>> out = new java.util.ArrayList<>();
        try {
            EksInput.stream(name, new java.io.BufferedInputStream(new java.io.ByteArrayInputStream(content)), out::add);
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /** Same ids and log events; a message holding a whole pretty-printed document may be re-spelled compactly. */
    static void assertSameRecords(List<SourceRecord<CloudWatchLogEvent>> streamed, List<SourceRecord<CloudWatchLogEvent>> whole) {
        assertThat(streamed).extracting(SourceRecord::id).containsExactlyElementsOf(whole.stream().map(SourceRecord::id).toList());
        for (int i = 0; i < whole.size(); i++) {
            CloudWatchLogEvent a = streamed.get(i).payload();
            CloudWatchLogEvent b = whole.get(i).payload();
            assertThat(a.kind()).isEqualTo(b.kind());
            assertThat(a.logStream()).isEqualTo(b.logStream());
            assertThat(a.timestamp()).isEqualTo(b.timestamp());
            if (a.message() != null && !a.message().equals(b.message())) {
                try {
                    assertThat(io.auditbridge.core.EventJson.MAPPER.readTree(a.message()))
                            .isEqualTo(io.auditbridge.core.EventJson.MAPPER.readTree(b.message()));
                } catch (java.io.IOException e) {
                    throw new AssertionError("message " + i + " differs", e);
                }
            }
        }
    }

    @Test
    void rawAuditLinesBecomeOneRecordPerLineTruncatedOnesIncluded() {
        List<SourceRecord<CloudWatchLogEvent>> records = EksInput.decode("audit.ndjson", AuditFixtures.resource("audit-lines.ndjson"));
        assertSameRecords(streamed("audit.ndjson", AuditFixtures.resource("audit-lines.ndjson")), records);
        assertThat(records).hasSize(6);
        assertThat(records).extracting(SourceRecord::id).containsExactly("audit.ndjson:1", "audit.ndjson:2",
                "audit.ndjson:3", "audit.ndjson:4", "audit.ndjson:5", "audit.ndjson:6");
        assertThat(records.get(5).payload().message()).endsWith("[Truncated...]");
        assertThat(records.getFirst().payload().logStream()).isNull();
    }

    @Test
    void filterLogEventsOutputKeepsStreamIdsAndTimes() {
        List<CloudWatchLogEvent> events = decode("page.json", AuditFixtures.resource("filter-log-events.json"));
        assertThat(events).hasSize(4);
        CloudWatchLogEvent first = events.getFirst();
        assertThat(first.logStream()).isEqualTo(AUDIT_STREAM);
        assertThat(first.id()).isEqualTo("37934521896374812748123456789012345678901234567890123401");
        assertThat(first.timestamp()).isEqualTo(1796000400250L);
        assertThat(first.ingestionTime()).isEqualTo(1796000403512L);
        assertThat(events.get(2).logStream()).startsWith("authenticator-");
    }

    @Test
    void lambdaEventsSubscriptionPayloadsAndFirehoseRequestsAreUnwrapped() {
        String payload = AuditFixtures.dataMessage(AUDIT_STREAM, new String[] {"id-1", auditLine("a-1")},
                new String[] {"id-2", auditLine("a-2")});

        assertThat(decode("lambda.json", AuditFixtures.lambdaEvent(payload)))
                .extracting(CloudWatchLogEvent::id).containsExactly("id-1", "id-2");
        assertThat(decode("payload.json", payload)).extracting(CloudWatchLogEvent::logStream).containsOnly(AUDIT_STREAM);
        assertThat(decode("payload.json.gz", AuditFixtures.gzip(payload))).hasSize(2);

        String firehose = "{\"requestId\":\"ed4acda5-034f-9f42-bba1-f29aea6d7d8f\",\"timestamp\":1796000410000,\"records\":["
                + "{\"data\":\"" + AuditFixtures.base64Gzip(payload) + "\"},{\"data\":\"" + AuditFixtures.base64Gzip(AuditFixtures.controlMessage()) + "\"}]}";
        assertThat(decode("firehose.json", firehose)).extracting(CloudWatchLogEvent::kind).containsExactly(
                CloudWatchLogEvent.Kind.LOG_EVENT, CloudWatchLogEvent.Kind.LOG_EVENT, CloudWatchLogEvent.Kind.CONTROL_MESSAGE);
    }

    @Test
    void severalDocumentsOneAfterAnotherAreAllRead() {
        String page = "{\"events\":[{\"logStreamName\":\"" + AUDIT_STREAM + "\",\"timestamp\":1,\"message\":\"m\",\"ingestionTime\":2,\"eventId\":\"e1\"}]}";
        assertThat(decode("pages.ndjson", page + "\n" + page.replace("e1", "e2"))).extracting(CloudWatchLogEvent::id)
                .containsExactly("e1", "e2");
    }

    @Test
    void aPrettyPrintedEventIsOneMessage() {
        String pretty = auditLine("p-1").replace(",\"", ",\n  \"");
        assertThat(decode("event.json", pretty)).singleElement().satisfies(e -> assertThat(e.message()).isEqualTo(pretty));
    }

    @Test
    void undecodableContainersAreRefusedWithoutQuotingThem() {
        assertThatThrownBy(() -> decode("bad.json", "{\"awslogs\":{\"data\":\"bm90IGd6aXA=\"}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not gzip");
        assertThatThrownBy(() -> decode("bad.json", "{\"messageType\":\"SOMETHING\",\"logEvents\":[]}"))
                .hasMessageContaining("not a CloudWatch Logs subscription payload");
    }
}
