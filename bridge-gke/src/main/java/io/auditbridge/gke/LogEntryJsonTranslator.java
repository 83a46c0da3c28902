package io.auditbridge.gke;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.RecordError;
import java.util.List;
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
        return translate(record.id() + "#", LogEntryJson.items(record.payload()), false);
    }

    /**
     * For {@code translate}, which streams a file one top-level value (or array element) at a time: translates
     * the value read as a tree; the record id already names the value ({@code file#7}), so a lone item keeps it.
     */
    Translator<JsonValue> forValues() {
        return record -> {
            JsonValue value = record.payload();
            if (value.entry() != null) {
                // read while streaming: a lone entry, named as one read from a tree is
                String insertId = value.entry().insertId();
                return entries.translate(value.entry().entry(), insertId != null ? record.id() + "/" + insertId : record.id());
            }
            return value.tree() == null
                    ? Translation.failed(RecordError.of(RecordError.INVALID_JSON, record.id(), null, value.malformed()))
                    : translate(record.id(), LogEntryJson.items(value.tree()), true);
        };
    }

    private Translation translate(String idPrefix, List<LogEntryJson.Item> items, boolean loneKeepsId) {
        boolean lone = loneKeepsId && items.size() == 1;
        if (lone && items.getFirst().entry() != null) {
            // translate's usual record: one entry, its Translation as it is
            LogEntryJson.Item item = items.getFirst();
            return entries.translate(item.entry(), item.insertId() != null ? idPrefix + "/" + item.insertId() : idPrefix);
        }
        Translation.Builder out = Translation.builder();
        for (LogEntryJson.Item item : items) {
            String itemId = lone ? idPrefix : idPrefix + (loneKeepsId ? "." : "") + item.index();
            if (item.entry() != null) {
                out.addAll(entries.translate(item.entry(), item.insertId() != null ? itemId + "/" + item.insertId() : itemId));
            } else if (item.skip() != null) {
                out.skip(item.skip());
            } else {
                out.error(RecordError.of(RecordError.codeOf(item.error(), LogEntryJson.NOT_LOG_ENTRY), itemId, item.insertId(), item.error()));
            }
        }
        return out.build();
    }
}
