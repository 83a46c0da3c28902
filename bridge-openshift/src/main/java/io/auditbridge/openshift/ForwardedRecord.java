package io.auditbridge.openshift;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * One record of a ClusterLogForwarder http POST, as Vector wrote it, with what the request said about the
 * cluster it came from. Held either as a tree (the receiver builds one per record against its memory budget) or
 * as the record's exact bytes ({@code translate} reads saved files that way, so an Event's own bytes pass through).
 *
 * @param json        the record (a collector envelope around an audit Event, or an auditd/OVN/other record), or
 *                    null when only its bytes are held
 * @param clusterName the cluster name for {@code annotations.cluster_name}, or null when none is known
 * @param raw         the record's exact JSON bytes (one object), or null when it is held as a tree
 * @param members     what reading {@code raw} found (so the translator need not tokenize it again), or null
 * @param translated  the record's translation, already made from its bytes by the receiver, or null
 */
public record ForwardedRecord(JsonNode json, String clusterName, byte[] raw, CollectorFieldStripper.Members members,
                              io.auditbridge.core.Translation translated) {
    public ForwardedRecord {
        if (json == null && translated == null) {
            Objects.requireNonNull(raw, "json");
        }
    }

    public ForwardedRecord(JsonNode json, String clusterName) {
        this(Objects.requireNonNull(json, "json"), clusterName, null, null, null);
    }

    /** A record held as its exact bytes, parsed only if the translator needs a tree. */
    public static ForwardedRecord ofBytes(byte[] raw, String clusterName) {
        return new ForwardedRecord(null, clusterName, Objects.requireNonNull(raw, "raw"), null, null);
    }

    /** A record held as its exact bytes, with what the scan made while reading them found. */
    static ForwardedRecord ofScanned(byte[] raw, CollectorFieldStripper.Members members, String clusterName) {
        return new ForwardedRecord(null, clusterName, Objects.requireNonNull(raw, "raw"), members, null);
    }

    /**
     * A record the receiver already translated from its bytes while reading the body ({@link CollectorFieldStripper}
     * took it), so the translator hands that on; a record the byte path does not take is given to the pipeline as a
     * tree instead, built against the request's memory budget.
     */
    static ForwardedRecord translated(io.auditbridge.core.Translation translation, String clusterName) {
        return new ForwardedRecord(null, clusterName, null, null, Objects.requireNonNull(translation, "translation"));
    }

    /** The record as a tree: the one held, or its bytes parsed; UncheckedIOException when they are not JSON. */
    JsonNode tree() {
        if (json != null) {
            return json;
        }
        try {
            return EventJson.MAPPER.readTree(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
