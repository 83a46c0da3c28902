package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.Event;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogEntryJsonTranslatorTest {
    private final LogEntryJsonTranslator translator = new LogEntryJsonTranslator(new LogEntryTranslator());

    private Translation translate(String name, byte[] content) {
        return translator.translate(SourceRecord.unpositioned(name, content));
    }

    @Test
    void gcloudReadArrayYieldsEveryAuditEntryInOrderAndSkipsTheContainerLog() {
        Translation t = translate("gcloud-read.json", Fixtures.bytes("inputs/gcloud-read.json"));
        assertThat(t.events()).extracting(Event::auditId, Event::stage).containsExactly(
                org.assertj.core.groups.Tuple.tuple("8f3c6a1e-5b2d-4c1a-9f00-000000000001", "ResponseComplete"),
                org.assertj.core.groups.Tuple.tuple("8f3c6a1e-5b2d-4c1a-9f00-000000000004", "ResponseStarted"),
                org.assertj.core.groups.Tuple.tuple("8f3c6a1e-5b2d-4c1a-9f00-000000000004", "ResponseStarted"),
                org.assertj.core.groups.Tuple.tuple("8f3c6a1e-5b2d-4c1a-9f00-000000000004", "ResponseComplete"),
                org.assertj.core.groups.Tuple.tuple("8f3c6a1e-5b2d-4c1a-9f00-000000000005", "ResponseStarted"),
                org.assertj.core.groups.Tuple.tuple("8f3c6a1e-5b2d-4c1a-9f00-000000000005", "ResponseComplete"));
        assertThat(t.skipped()).containsEntry("not_audit_log", 1);
        assertThat(t.errors()).isEmpty();
    }

    @Test
    void ndjsonWithATruncatedLineReportsItAndKeepsTheRest() {
        Translation t = translate("entries.ndjson", Fixtures.bytes("inputs/entries.ndjson"));
        assertThat(t.events()).hasSize(6);
        assertThat(t.errors()).extracting(RecordError::code).containsExactly("invalid_json");
        assertThat(t.errors().getFirst().detail()).isEqualTo("malformed JSON at line 3");
        assertThat(t.skipped()).containsEntry("not_audit_log", 1);
    }

    @Test
    void pubSubPushBodyIsDecoded() {
        Translation t = translate("push", Fixtures.bytes("inputs/pubsub-push.json"));
        assertThat(t.events()).extracting(Event::auditId).containsExactly("8f3c6a1e-5b2d-4c1a-9f00-000000000002");
        assertThat(t.events().getFirst().json().at("/responseStatus/code").asInt()).isEqualTo(404);
    }

    @Test
    void structuredCloudEventIsDecoded() {
        Translation t = translate("ce", Fixtures.bytes("inputs/cloudevent.json"));
        assertThat(t.events()).extracting(Event::auditId).containsExactly("8f3c6a1e-5b2d-4c1a-9f00-000000000002");
    }

    @Test
    void apiResponseWithEntriesIsRead() {
        String body = "{\"entries\":[" + new String(Fixtures.bytes("logentries/denied-403.json"), StandardCharsets.UTF_8) + "],\"nextPageToken\":\"x\"}";
        Translation t = translate("resp", body.getBytes(StandardCharsets.UTF_8));
        assertThat(t.events()).extracting(Event::verb).containsExactly("create");
    }

    @Test
    void foreignJsonAndBadPayloadsAreReportedNotThrown() {
        Translation t = translate("junk", "[42, {\"hello\":\"world\"}, {\"message\":{\"data\":\"%%%\"}}, {\"message\":{}}]".getBytes(StandardCharsets.UTF_8));
        assertThat(t.events()).isEmpty();
        assertThat(t.errors()).extracting(RecordError::detail).containsExactly("not a LogEntry object", "not a LogEntry",
                "Pub/Sub message data is not base64", "Pub/Sub message without data");
        assertThat(t.errors()).extracting(RecordError::recordId).containsExactly("junk#0", "junk#1", "junk#2", "junk#3");
    }

    @Test
    void anAuditEntryThatDoesNotParseKeepsItsInsertIdAndDoesNotQuoteInput() {
        String bad = "{\"insertId\":\"id-7\",\"timestamp\":\"not a time secret-value\",\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\",\"serviceName\":\"k8s.io\"}}";
        Translation t = translate("bad", bad.getBytes(StandardCharsets.UTF_8));
        assertThat(t.errors()).hasSize(1);
        RecordError e = t.errors().getFirst();
        assertThat(e.auditId()).isEqualTo("id-7");
        assertThat(e.code()).isEqualTo("not_log_entry");
        assertThat(e.detail()).startsWith("invalid LogEntry").doesNotContain("secret-value");
    }
}
