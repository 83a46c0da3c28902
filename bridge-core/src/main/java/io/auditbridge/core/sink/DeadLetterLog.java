package io.auditbridge.core.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import io.auditbridge.core.Event;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;

/**
 * Dead letters as structured log lines ({@code --dead-letter-log}): each one is a single JSON line on stderr, with
 * {@code time}, {@code severity}/{@code level}, {@code logger} ({@code auditbridge.deadletter}), {@code message},
 * {@code reason} and the whole {@code event} (or the failed {@code record} with its payload). A pod's emptyDir and
 * a function's /tmp die with them; the cluster's or the cloud's log pipeline keeps stderr. Written whatever
 * {@code --log-format} says, so a log query can always parse it.
 */
public final class DeadLetterLog implements DeadLetters {
    public static final String LOGGER = "auditbridge.deadletter";

    private final PrintStream out;
    private final Clock clock;

    public DeadLetterLog(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    /** Lines on the process's stderr. */
    public static DeadLetterLog stderr() {
        return new DeadLetterLog(System.err, Clock.systemUTC());
    }

    @Override
    public void event(Event event, String reason) throws IOException {
        write(DeadLetterLines.event(g -> header(g, reason), event));
    }

    @Override
    public void record(String source, String recordId, String reason, String payload) throws IOException {
        write(DeadLetterLines.record(g -> header(g, reason), source, recordId, payload));
    }

    private void header(JsonGenerator g, String reason) throws IOException {
        g.writeStringField("time", clock.instant().toString());
        g.writeStringField("level", "WARN");
        g.writeStringField("severity", "WARNING");
        g.writeStringField("logger", LOGGER);
        g.writeStringField("message", "dead letter: " + reason);
        g.writeStringField("reason", reason);
    }

    private void write(byte[] bytes) throws IOException {
        synchronized (out) {
            // One write call per line, so it is not interleaved with other output on the same stream.
            out.write(bytes, 0, bytes.length);
            out.flush();
            if (out.checkError()) {
                throw new IOException("writing the dead letter to the log stream failed");
            }
        }
    }
}
