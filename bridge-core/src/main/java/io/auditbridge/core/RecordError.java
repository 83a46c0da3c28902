package io.auditbridge.core;

import java.util.Objects;

/**
 * Why (part of) a record could not be translated.
 *
 * @param code        a short, bounded reason used as a metric tag ({@code truncated}, {@code invalid_json},
 *                    {@code not_event}, {@code not_envelope}, …)
 * @param recordId    the provider id of the record (insertId, eventId, offset…), or the item inside it
 * @param auditId     the auditID, when it could be recovered from the bad input; else null
 * @param detail      one line for the log; never the record's body
 * @param deadLetter  the record's text to keep in the dead-letter file (whole-message failures); null for
 *                    item errors, which are only counted and logged
 */
public record RecordError(String code, String recordId, String auditId, String detail, String deadLetter) {
    public RecordError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
    }

    public static RecordError of(String code, String recordId, String auditId, String detail) {
        return new RecordError(code, recordId, auditId, detail, null);
    }
}
