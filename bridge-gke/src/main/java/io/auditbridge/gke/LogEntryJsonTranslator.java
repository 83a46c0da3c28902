package io.auditbridge.gke;

import io.auditbridge.core.RecordError;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.Translator;

/**
 * Translates LogEntry JSON as saved or delivered (see {@link LogEntryJson}: object, array, NDJSON, Pub/Sub
 * push body or CloudEvent) with a {@link LogEntryTranslator}. Each bad item is reported with its index and
 * insertId and never stops the rest.
 */
public final class LogEntryJsonTranslator implements Translator<byte[]> {
    private final LogEntryTranslator entries;

    public LogEntryJsonTranslator(LogEntryTranslator entries) {
        this.entries = entries;
    }

    @Override
    public Translation translate(SourceRecord<byte[]> record) {
        Translation.Builder out = Translation.builder();
        for (LogEntryJson.Item item : LogEntryJson.items(record.payload())) {
            String itemId = record.id() + "#" + item.index();
            if (item.entry() != null) {
                out.addAll(entries.translate(item.entry(), item.insertId() != null ? itemId + "/" + item.insertId() : itemId));
            } else if (item.skip() != null) {
                out.skip(item.skip());
            } else {
                String code = item.error().startsWith("malformed JSON") ? "invalid_json" : "not_log_entry";
                out.error(RecordError.of(code, itemId, item.insertId(), item.error()));
            }
        }
        return out.build();
    }
}
