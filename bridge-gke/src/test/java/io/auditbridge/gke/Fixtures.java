package io.auditbridge.gke;

import com.google.logging.v2.LogEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Reads the LogEntry fixtures under {@code src/test/resources/logentries}, written from the documented format. */
final class Fixtures {
    private Fixtures() {}

    static byte[] bytes(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture {@code logentries/NAME.json} as a proto LogEntry (JsonFormat), as the client library returns it. */
    static LogEntry entry(String name) {
        List<LogEntryJson.Item> items = LogEntryJson.items(bytes("logentries/" + name + ".json"));
        if (items.size() != 1 || items.getFirst().entry() == null) {
            throw new IllegalArgumentException(name + " is not one audit LogEntry: " + items);
        }
        try {
            return LogEntryJson.parse(items.getFirst().entry());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(name + " is not a valid LogEntry", e);
        }
    }
}
