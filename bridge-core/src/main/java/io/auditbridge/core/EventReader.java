package io.auditbridge.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads audit Events from any of the shapes they travel in: a single Event, an EventList, a JSON array of
 * Events, NDJSON (or any sequence of those, one after another).
 *
 * <p>Elements that are not Events are reported through {@link Item#error()}, never thrown: one bad element
 * does not stop the rest. Malformed JSON stops reading at that point, reported as an error item too.
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
            readRoots(p, reader, json, out);
        } catch (IOException e) {
            out.accept(Item.bad(-1, "malformed JSON: " + JsonErrors.describe(e), null));
        }
    }

    public static void read(InputStream in, Consumer<Item> out) throws IOException {
        read(in.readAllBytes(), out);
    }

    private static void readRoots(JsonParser p, com.fasterxml.jackson.databind.ObjectReader reader, byte[] source,
                                  Consumer<Item> out) throws IOException {
        int[] index = {0};
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            if (t == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    readElement(p, reader, source, index, out);
                }
            } else if (t == JsonToken.START_OBJECT) {
                long start = p.currentTokenLocation().getByteOffset();
                ObjectNode node = (ObjectNode) reader.readTree(p);
                long end = p.currentLocation().getByteOffset();
                if ("EventList".equals(node.path("kind").asText(null))) {
                    JsonNode items = node.get("items");
                    if (items != null && items.isArray()) {
                        for (JsonNode item : items) {
                            emit(item, null, index, out);
                        }
                    } else if (items != null && !items.isNull()) {
                        out.accept(Item.bad(index[0]++, "EventList.items is not an array", null));
                    }
                } else {
                    emit(node, slice(source, start, end), index, out);
                }
            } else {
                out.accept(Item.bad(index[0]++, "expected an Event, got " + describe(t), null));
                p.skipChildren();
            }
        }
    }

    private static void readElement(JsonParser p, com.fasterxml.jackson.databind.ObjectReader reader, byte[] source,
                                    int[] index, Consumer<Item> out) throws IOException {
        if (p.currentToken() == JsonToken.START_OBJECT) {
            long start = p.currentTokenLocation().getByteOffset();
            JsonNode node = reader.readTree(p);
            long end = p.currentLocation().getByteOffset();
            emit(node, slice(source, start, end), index, out);
        } else {
            out.accept(Item.bad(index[0]++, "expected an Event, got " + describe(p.currentToken()), null));
            p.skipChildren();
        }
    }

    private static void emit(JsonNode node, byte[] raw, int[] index, Consumer<Item> out) {
        int i = index[0]++;
        String problem = EventValidation.problem(node);
        if (problem != null) {
            out.accept(Item.bad(i, problem, EventValidation.recoverAuditId(node)));
            return;
        }
        ObjectNode obj = (ObjectNode) node;
        out.accept(Item.ok(i, raw == null ? Event.of(obj) : Event.ofParsed(obj, raw)));
    }

    /** The exact source text of one element, when it is compact (no line break) and its offsets are known. */
    private static byte[] slice(byte[] source, long start, long end) {
        if (source == null || start < 0 || end <= start || end > source.length) {
            return null;
        }
        for (long i = start; i < end; i++) {
            byte b = source[(int) i];
            if (b == '\n' || b == '\r') {
                return null;
            }
        }
        return Arrays.copyOfRange(source, (int) start, (int) end);
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
