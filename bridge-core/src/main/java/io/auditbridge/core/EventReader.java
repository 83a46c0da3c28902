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
            String text = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
            int i = skipSpace(text, 0);
            if (i >= text.length() || text.charAt(i) != '{') {
                return true;
            }
            i = skipSpace(text, i + 1);
            if (i >= text.length()) {
                return true;
            }
            if (!text.startsWith("\"kind\"", i)) {
                return text.length() - i < 6 && "\"kind\"".startsWith(text.substring(i));
            }
            i = skipSpace(text, i + 6);
            if (i >= text.length()) {
                return true;
            }
            if (text.charAt(i) != ':') {
                return false;
            }
            i = skipSpace(text, i + 1);
            String rest = text.substring(Math.min(i, text.length()));
            return rest.length() < 11 ? "\"EventList\"".startsWith(rest) : rest.startsWith("\"EventList\"");
        }

        private static int skipSpace(String s, int i) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
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

    /** Keeps the bytes read from a stream since the last {@link #release}, so an element's source can be sliced. */
    static final class RecordingInputStream extends InputStream implements RawSource {
        private final InputStream in;
        private byte[] buf = new byte[16 * 1024];
        private long base;      // absolute offset of buf[0]
        private int length;     // bytes held
        private long keepFrom;  // bytes before this may be dropped

        RecordingInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                append(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                append(b, off, n);
            }
            return n;
        }

        private void append(byte[] b, int off, int n) {
            if (length + n > buf.length) {
                int drop = (int) Math.max(0, Math.min(keepFrom - base, length));
                if (drop > 0) {
                    System.arraycopy(buf, drop, buf, 0, length - drop);
                    length -= drop;
                    base += drop;
                }
                if (length + n > buf.length) {
                    buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
                }
            }
            System.arraycopy(b, off, buf, length, n);
            length += n;
        }

        @Override
        public byte[] slice(long start, long end) {
            if (start < base || end > base + length) {
                return null;
            }
            return java.util.Arrays.copyOfRange(buf, (int) (start - base), (int) (end - base));
        }

        @Override
        public byte[] peek(long start, int max) {
            if (start < base || start >= base + length) {
                return new byte[0];
            }
            int from = (int) (start - base);
            return java.util.Arrays.copyOfRange(buf, from, Math.min(length, from + max));
        }

        @Override
        public void release(long offset) {
            keepFrom = Math.max(keepFrom, offset);
        }

        /** The caller owns the stream (it may be stdin): reading it to the end does not close it. */
        @Override
        public void close() {}
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
