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
    /** The record, or an item in it, is not JSON. */
    public static final String INVALID_JSON = "invalid_json";
    /** JSON that is not an audit Event ({@link EventValidation#problem} says why). */
    public static final String NOT_EVENT = "not_event";
    /** JSON cut short by the provider's size limit; the auditID may still be recovered from the text. */
    public static final String TRUNCATED = "truncated";
    /** How a reader's error ({@link EventReader.Item#error()} and the like) starts when the input is not JSON. */
    public static final String MALFORMED_JSON = "malformed JSON";

    /**
     * The code of a reader's error: {@link #INVALID_JSON} when the input was not JSON, else {@code wellFormed}
     * (e.g. {@link #NOT_EVENT}: JSON of the wrong shape).
     */
    public static String codeOf(String readerError, String wellFormed) {
        return readerError.startsWith(MALFORMED_JSON) ? INVALID_JSON : wellFormed;
    }

    public RecordError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
    }

    public static RecordError of(String code, String recordId, String auditId, String detail) {
        return new RecordError(code, recordId, auditId, detail, null);
    }
}
