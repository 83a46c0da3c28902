package io.auditbridge.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads audit Events from any of the shapes they travel in: a single Event, an EventList, a JSON array of
 * Events, NDJSON (or any sequence of those, one after another).
 *
 * <p>Which element is an Event is decided by {@link EventValidation#problem}: items without {@code kind} /
 * {@code apiVersion} (as kube-apiserver's webhook backend encodes EventList items) are Events when their own
 * fields say so. Elements that are not Events are reported through {@link Item#error()}, never thrown: one bad
 * element does not stop the rest. Malformed JSON stops reading at that point, reported as an error item too.
 *
 * <p>Reading streams: each element is handed over as soon as it is parsed, including the items of an
 * EventList whose {@code kind} comes before its {@code items} (as every encoder here and kube-apiserver write
 * it), so memory holds one element at a time. Each Event keeps its exact source text when that text is compact.
 */
public final class EventReader {
    private EventReader() {}

    /** One element read: an Event, or why the element at {@code index} is not one. */
    public record Item(int index, Event event, String error, String auditId) {
        static Item ok(int index, Event e) {
            return new Item(index, e, null, e.auditId());
        }

        static Item bad(int index, String error, String auditId) {
            return new Item(index, null, error, auditId);
        }

        public boolean isEvent() {
            return event != null;
        }
    }

    /** Reads every element of {@code json}, keeping each Event's exact compact text where it has one. */
    public static List<Item> readAll(byte[] json) {
        List<Item> items = new ArrayList<>();
        read(json, items::add);
        return items;
    }

    /** Convenience: only the Events, or an {@link IllegalArgumentException} naming the first bad element. */
    public static List<Event> readEvents(byte[] json) {
        List<Event> events = new ArrayList<>();
        for (Item item : readAll(json)) {
            if (!item.isEvent()) {
                throw new IllegalArgumentException("element " + item.index() + ": " + item.error());
            }
            events.add(item.event());
        }
        return events;
    }

    public static void read(byte[] json, Consumer<Item> out) {
        read(json, EventJson.MAPPER.reader(), out);
    }

    /**
     * As {@link #read(byte[], Consumer)}, building trees with {@code reader} (a receiver's reader charges them to
     * its request's memory budget; its exceptions pass through).
     */
    public static void read(byte[] json, com.fasterxml.jackson.databind.ObjectReader reader, Consumer<Item> out) {
        try (JsonParser p = reader.createParser(json)) {
            new Reading(p, reader, new ArraySource(json), out, true).roots();
        } catch (IOException e) {
            out.accept(Item.bad(-1, RecordError.MALFORMED_JSON + ": " + JsonErrors.describe(e), null));
        }
    }

    /**
     * Streams the elements of {@code in} to {@code out} one by one, without reading the whole input first.
     * Malformed JSON is reported as an error item (and ends reading); a failure of the stream itself is thrown.
     */
    public static void read(InputStream in, Consumer<Item> out) throws IOException {
        read(in, true, out);
    }

    /**
     * As {@link #read(InputStream, Consumer)}, for a reader that only inspects the Events (a detector): their
     * source bytes are not copied out, so {@link Event#toJsonBytes()} would serialize the tree.
     */
    public static void readWithoutSource(InputStream in, Consumer<Item> out) throws IOException {
        read(in, false, out);
    }

    private static void read(InputStream in, boolean keepSource, Consumer<Item> out) throws IOException {
        RecordingInputStream recorder = new RecordingInputStream(in);
        try (JsonParser p = EventJson.MAPPER.createParser(recorder)) {
            new Reading(p, EventJson.MAPPER.reader(), recorder, out, keepSource).roots();
        } catch (JsonProcessingException e) {
            out.accept(Item.bad(-1, RecordError.MALFORMED_JSON + ": " + JsonErrors.describe(e), null));
        }
    }

    /** Where an element's exact source bytes come from. */
    interface RawSource {
        /** The bytes at absolute offsets [start, end), or null when no longer (or never) available. */
        byte[] slice(long start, long end);

        /** Up to {@code max} bytes from {@code start} that are already at hand (maybe fewer, maybe none). */
        byte[] peek(long start, int max);

        /** Bytes before {@code offset} will not be asked for again. */
        default void release(long offset) {}
    }

    private record ArraySource(byte[] bytes) implements RawSource {
        @Override
        public byte[] slice(long start, long end) {
            if (start < 0 || end <= start || end > bytes.length) {
                return null;
            }
            return java.util.Arrays.copyOfRange(bytes, (int) start, (int) end);
        }

        @Override
        public byte[] peek(long start, int max) {
            if (start < 0 || start >= bytes.length) {
                return new byte[0];
            }
            return java.util.Arrays.copyOfRange(bytes, (int) start, (int) Math.min(bytes.length, start + max));
        }
    }

    static final class Reading {
        private final JsonParser p;
        private final RawSource raw;
        private final Consumer<Item> out;
        private final com.fasterxml.jackson.databind.ObjectReader reader;
        private final boolean keepSource;
        private int index;

        Reading(JsonParser p, com.fasterxml.jackson.databind.ObjectReader reader, RawSource raw, Consumer<Item> out,
                boolean keepSource) {
            this.p = p;
            this.reader = reader;
            this.raw = raw;
            this.out = out;
            this.keepSource = keepSource;
        }

        void roots() throws IOException {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        element();
                    }
                } else if (t == JsonToken.START_OBJECT) {
                    rootObject();
                } else {
                    out.accept(Item.bad(index++, "expected an Event, got " + describe(t), null));
                    p.skipChildren();
                }
                raw.release(p.currentLocation().getByteOffset());
            }
        }

        /**
         * An object at the top level: an EventList (items streamed when its kind was already seen) or an Event.
         * Read field by field so that an EventList's items never have to be held all at once.
         */
        private void rootObject() throws IOException {
            long start = p.currentTokenLocation().getByteOffset();
            if (!mayBeEventList(raw.peek(start, 64))) {
                // The common case (an Event, one per line): one tree read, as fast as Jackson reads it.
                ObjectNode whole = EventJson.MAPPER.readTree(p);
                if ("EventList".equals(whole.path("kind").asText(null))) {
                    listItems(whole.get("items")); // an EventList whose kind is not its first key
                } else {
                    emit(whole, compactSlice(start, p.currentLocation().getByteOffset()));
                }
                return;
            }
            ObjectNode node = reader.getConfig().getNodeFactory().objectNode();
            boolean itemsStreamed = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("items") && value == JsonToken.START_ARRAY && "EventList".equals(node.path("kind").asText(null))) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        element();
                    }
                    itemsStreamed = true;
                    continue;
                }
                JsonNode v = reader.readTree(p);
                node.set(name, v == null ? NullNode.getInstance() : v);
            }
            long end = p.currentLocation().getByteOffset();
            if (itemsStreamed) {
                return;
            }
            if ("EventList".equals(node.path("kind").asText(null))) {
                listItems(node.get("items"));
            } else {
                emit(node, compactSlice(start, end));
            }
        }

        /**
         * False only when the object's first key is clearly not {@code "kind":"EventList"}: then it is read whole.
         * Unknown (not enough bytes at hand) counts as maybe, which only costs reading it field by field.
         */
        static boolean mayBeEventList(byte[] head) {
            // On the bytes (no String per Event): every byte compared here is ASCII.
            int i = skipSpace(head, 0);
            if (i >= head.length || head[i] != '{') {
                return true;
            }
            i = skipSpace(head, i + 1);
            if (i >= head.length) {
                return true;
            }
            if (!startsWith(head, i, KIND)) {
                return head.length - i < KIND.length && isPrefix(head, i, KIND);
            }
            i = skipSpace(head, i + KIND.length);
            if (i >= head.length) {
                return true;
            }
            if (head[i] != ':') {
                return false;
            }
            i = skipSpace(head, i + 1);
            int rest = head.length - Math.min(i, head.length);
            return rest < EVENT_LIST.length ? isPrefix(head, i, EVENT_LIST) : startsWith(head, i, EVENT_LIST);
        }

        private static final byte[] KIND = "\"kind\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private static final byte[] EVENT_LIST = "\"EventList\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        /** Whether {@code b} holds all of {@code word} at {@code from}. */
        private static boolean startsWith(byte[] b, int from, byte[] word) {
            if (b.length - from < word.length) {
                return false;
            }
            for (int k = 0; k < word.length; k++) {
                if (b[from + k] != word[k]) {
                    return false;
                }
            }
            return true;
        }

        /** Whether the bytes from {@code from} to the end are the start of {@code word}. */
        private static boolean isPrefix(byte[] b, int from, byte[] word) {
            for (int k = from; k < b.length; k++) {
                if (k - from >= word.length || b[k] != word[k - from]) {
                    return false;
                }
            }
            return true;
        }

        private static int skipSpace(byte[] s, int i) {
            while (i < s.length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
                i++;
            }
            return i;
        }

        private void listItems(JsonNode items) {
            if (items != null && items.isArray()) {
                for (JsonNode item : items) {
                    emit(item, null);
                }
            } else if (items != null && !items.isNull()) {
                out.accept(Item.bad(index++, "EventList.items is not an array", null));
            }
        }

        private void element() throws IOException {
            if (p.currentToken() == JsonToken.START_OBJECT) {
                long start = p.currentTokenLocation().getByteOffset();
                JsonNode node = reader.readTree(p);
                long end = p.currentLocation().getByteOffset();
                emit(node, compactSlice(start, end));
            } else {
                out.accept(Item.bad(index++, "expected an Event, got " + describe(p.currentToken()), null));
                p.skipChildren();
            }
            raw.release(p.currentLocation().getByteOffset());
        }

        private void emit(JsonNode node, byte[] source) {
            int i = index++;
            String problem = EventValidation.problem(node);
            if (problem != null) {
                out.accept(Item.bad(i, problem, EventValidation.recoverAuditId(node)));
                return;
            }
            ObjectNode obj = (ObjectNode) node;
            out.accept(Item.ok(i, source == null ? Event.of(obj) : Event.ofParsed(obj, source)));
        }

        /** The exact source text of one element, when it is compact (no line break) and its offsets are known. */
        private byte[] compactSlice(long start, long end) {
            if (!keepSource || start < 0 || end <= start) {
                return null;
            }
            byte[] b = raw.slice(start, end);
            if (b == null) {
                return null;
            }
            for (byte c : b) {
                if (c == '\n' || c == '\r') {
                    return null;
                }
            }
            return b;
        }
    }

    /** The recording stream as this reader's {@link RawSource}. */
    static final class RecordingInputStream extends io.auditbridge.core.io.RecordingInputStream implements RawSource {
        RecordingInputStream(InputStream in) {
            super(in);
        }
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            default -> String.valueOf(t);
        };
    }
}
