package io.auditbridge.core;

import java.util.Objects;

/**
 * One unit a Source fetched, with where it came from.
 *
 * @param partition the independent stream this record belongs to (an Event Hubs partition, a log stream,
 *                  the one GKE query); positions are committed per partition, in submission order
 * @param position  opaque to bridge-core: the string the Source will be handed back after a restart to
 *                  resume just after this record; null for sources with nothing to commit (receivers)
 * @param id        what a person needs to find the record again (insertId, CloudWatch eventId, offset)
 * @param payload   the provider's record, given to the Translator as is
 */
public record SourceRecord<T>(String partition, String position, String id, T payload) {
    public SourceRecord {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
    }

    /** A record from a source that has no position to commit (HTTP receivers, serverless invocations). */
    public static <T> SourceRecord<T> unpositioned(String id, T payload) {
        return new SourceRecord<>("-", null, id, payload);
    }
}
