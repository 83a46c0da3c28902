package io.auditbridge.detector.fields;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.BiFunction;

/**
 * One resolved field reference of a condition or output, e.g. {@code ka.uri.param[command]}: how to
 * extract it from an Event's JSON and which Event fields it reads.
 *
 * @param name      the text as written in the rule, index included
 * @param list      true when the field yields several values (only {@code in}, {@code intersects},
 *                  {@code exists} apply); an indexed list field is a scalar
 * @param numeric   true when values are numbers (compared numerically, e.g. {@code jevt.rawtime})
 * @param needsAuditId true for {@code ka.*}: not available at all on an event without {@code auditID}
 * @param reads     the Event fields read, as dotted paths ({@code requestObject.spec}); a field is unknowable
 *                  when one of these lies at or under a field the event declares missing
 * @param extractor the extraction from the event's JSON root
 */
public record Field(String name, boolean list, boolean numeric, boolean needsAuditId, List<String> reads,
                    BiFunction<JsonNode, EventTime, FieldValue> extractor) {

    /** What the event's time means for {@code jevt.rawtime}; computed once per event by the caller. */
    @FunctionalInterface
    public interface EventTime {
        long epochNanos();
    }

    public FieldValue extract(JsonNode event, EventTime time) {
        if (needsAuditId && !event.has("auditID")) {
            return FieldValue.NA;
        }
        return extractor.apply(event, time);
    }

    /** Whether this field reads anything the event declared missing. */
    public boolean readsAnyOf(java.util.Collection<String> missing) {
        for (String read : reads) {
            for (String m : missing) {
                if (read.equals(m) || read.startsWith(m + ".")) {
                    return true;
                }
            }
        }
        return false;
    }
}
