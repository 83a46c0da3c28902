package io.auditbridge.openshift;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.function.Consumer;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.Gzip;
import io.auditbridge.core.JsonErrors;
import io.auditbridge.core.RecordError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits what a ClusterLogForwarder http output sends into records: a JSON array ({@code format: json}, the
 * default), NDJSON ({@code format: ndjson}, or the 5.x fluentd output), a single object, or any sequence of
 * those. The same code reads saved request bodies for {@code translate}, where gzip is recognised by its
 * magic bytes.
 */
public final class ForwarderBody {
    private ForwarderBody() {}

    /** The records of a JSON body; malformed JSON throws IllegalArgumentException with a one-line reason. */
    public static List<JsonNode> records(byte[] json) {
        List<JsonNode> out = new ArrayList<>();
        read(json, EventJson.MAPPER.reader(), out::add);
        return out;
    }

    /**
     * Hands each record to {@code out} as soon as it is read, so only one record's tree exists at a time
     * (the caller decides what to keep). Trees are built by {@code reader} (a receiver's charges its request's
     * budget). Malformed JSON throws IllegalArgumentException with a one-line reason; records before it were
     * already handed on.
     */
    public static void read(byte[] json, ObjectReader reader, Consumer<JsonNode> out) {
        try (JsonParser p = reader.createParser(json)) {
            read(p, reader, out::accept);
        } catch (InterruptedException e) {
            throw new AssertionError("a Consumer is never interrupted", e);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /**
     * True when {@code json} holds more than {@code max} records, found by skimming tokens without building
     * trees and stopping at the first record over: a body of millions of {@code {}} is refused in milliseconds,
     * before any record is translated or submitted. Malformed JSON counts what came before it (the real read
     * reports the error).
     */
    public static boolean hasMoreRecordsThan(byte[] json, long max) {
        if (json.length < 2 * max) {
            return false; // each record takes at least two bytes ("{}")
        }
        long count = 0;
        try (JsonParser p = EventJson.MAPPER.createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_ARRAY) {
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                        if (++count > max) {
                            return true;
                        }
                        p.skipChildren();
                    }
                } else {
                    if (++count > max) {
                        return true;
                    }
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Takes one record; may block (a caller under back-pressure). */
    @FunctionalInterface
    public interface RecordConsumer {
        void accept(JsonNode record) throws InterruptedException;
    }

    /**
     * Streams the records of a saved body (gzip undone on the way) to {@code out} one tree at a time, so a
     * large file is never held whole; errors as {@link #read(byte[], ObjectReader, Consumer)}.
     */
    public static void read(java.io.InputStream body, RecordConsumer out) throws InterruptedException, IOException {
        java.io.InputStream in = io.auditbridge.core.Gzip.gunzipIfGzip(body.markSupported() ? body : new java.io.BufferedInputStream(body));
        ObjectReader reader = EventJson.MAPPER.reader();
        try (JsonParser p = reader.createParser(in)) {
            read(p, reader, out);
        } catch (java.util.zip.ZipException e) {
            throw new IllegalArgumentException("not valid gzip: " + e.getMessage());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw malformed(e);
        }
    }

    /** Takes one record: an object as its exact source bytes ({@code other} null), anything else as a tree. */
    @FunctionalInterface
    public interface RawRecordConsumer {
        /** @param scan what reading the object found for the translator (the record is tokenized once), or null */
        void accept(byte[] object, CollectorFieldStripper.Members scan, JsonNode other) throws InterruptedException;
    }

    /**
     * As {@link #read(java.io.InputStream, RecordConsumer)}, but each object record is handed on as its exact
     * bytes, unparsed (the tokenizer only finds where it ends), so the translator can pass the Event's own bytes
     * through instead of building and re-writing a tree.
     */
    public static void readRaw(java.io.InputStream body, RawRecordConsumer out) throws InterruptedException, IOException {
        java.io.InputStream in = io.auditbridge.core.Gzip.gunzipIfGzip(body.markSupported() ? body : new java.io.BufferedInputStream(body));
        io.auditbridge.core.io.RecordingInputStream recorder = new io.auditbridge.core.io.RecordingInputStream(in);
        ObjectReader reader = EventJson.MAPPER.reader();
        try (JsonParser p = reader.createParser(recorder)) {
            forEachRecord(p, record -> rawElement(record, recorder, reader, out),
                    root -> recorder.release(root.currentLocation().getByteOffset()));
        } catch (java.util.zip.ZipException e) {
            throw new IllegalArgumentException("not valid gzip: " + e.getMessage());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw malformed(e);
        }
    }

    /** Takes one record of a body held in memory: an object as where it lies in the body, anything else as a tree. */
    @FunctionalInterface
    public interface RecordSpanConsumer {
        /**
         * @param start the object's first byte in the body ({@code other} null), or -1
         * @param end   one past its last byte
         * @param scan  what reading the object found for the translator (the record is tokenized once), or null
         * @param other a record that is not an object, as a tree built by the reader given, or null
         */
        void accept(int start, int end, CollectorFieldStripper.Members scan, JsonNode other) throws InterruptedException;
    }

    /**
     * The receiver's read of a request body: as {@link #readRaw(java.io.InputStream, RawRecordConsumer)}, each object
     * record is handed on unparsed, as where it lies in {@code body} (the caller copies it out once it has charged
     * that to its budget), with the scan the translator uses; only a record that is not an object becomes a tree,
     * built by {@code reader} (a receiver's charges its request's budget). Malformed JSON throws
     * IllegalArgumentException with a one-line reason; records before it were already handed on.
     */
    public static void readSpans(byte[] body, ObjectReader reader, RecordSpanConsumer out) throws InterruptedException {
        try (JsonParser p = reader.createParser(body)) {
            forEachRecord(p, record -> span(record, reader, out), root -> { });
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    private static void span(JsonParser p, ObjectReader reader, RecordSpanConsumer out) throws IOException, InterruptedException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            out.accept(-1, -1, null, reader.readTree(p));
            return;
        }
        long start = p.currentTokenLocation().getByteOffset();
        CollectorFieldStripper.Members scan = CollectorFieldStripper.scan(p, start);
        out.accept((int) start, (int) p.currentLocation().getByteOffset(), scan, null);
    }

    private static void rawElement(JsonParser p, io.auditbridge.core.io.RecordingInputStream recorder, ObjectReader reader,
                                   RawRecordConsumer out) throws IOException, InterruptedException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            out.accept(null, null, reader.readTree(p));
            return;
        }
        long start = p.currentTokenLocation().getByteOffset();
        // Reading to the record's end is the translator's scan too, so the record is tokenized once.
        CollectorFieldStripper.Members scan = CollectorFieldStripper.scan(p, start);
        long end = p.currentLocation().getByteOffset();
        byte[] raw = recorder.slice(start, end);
        if (raw == null) {
            throw new IllegalStateException("record bytes " + start + ".." + end + " no longer held");
        }
        recorder.release(end);
        out.accept(raw, scan, null);
    }

    private static IllegalArgumentException notRecords(JsonToken t, int count) {
        return new IllegalArgumentException("expected a JSON array or objects, found a "
                + (t.isNumeric() ? "number" : t.isBoolean() ? "boolean" : t == JsonToken.VALUE_STRING ? "string" : "null")
                + " after record " + count);
    }

    private static void read(JsonParser p, ObjectReader reader, RecordConsumer out) throws IOException, InterruptedException {
        forEachRecord(p, record -> out.accept(reader.readTree(record)), root -> { });
    }

    /** A step on the parser, standing on a record's first token (or just past a top-level value). */
    @FunctionalInterface
    private interface ParserStep {
        void at(JsonParser p) throws IOException, InterruptedException;
    }

    /**
     * The records of a body, in every shape a forwarder sends: each element of a top-level array, or each top-level
     * object, one value after another. {@code record} is called on a record's first token and reads it to its end;
     * {@code afterValue} after each top-level value. Anything else at the top level throws with a one-line reason.
     */
    private static void forEachRecord(JsonParser p, ParserStep record, ParserStep afterValue)
            throws IOException, InterruptedException {
        int count = 0;
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            if (t == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    record.at(p);
                    count++;
                }
            } else if (t == JsonToken.START_OBJECT) {
                record.at(p);
                count++;
            } else {
                throw notRecords(t, count);
            }
            afterValue.at(p);
        }
    }

    /** Input that is not JSON, worded as every reader words it ({@link RecordError#MALFORMED_JSON}). */
    static IllegalArgumentException malformed(IOException e) {
        return new IllegalArgumentException(RecordError.MALFORMED_JSON + ": " + JsonErrors.describe(e));
    }

    /** Undoes gzip when the bytes start with its magic number, reading at most {@code maxBytes}. */
    static byte[] gunzipIfGzip(byte[] bytes, long maxBytes) {
        return Gzip.isGzip(bytes) ? Gzip.gunzip(bytes, maxBytes) : bytes;
    }
}
