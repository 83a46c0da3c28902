package io.auditbridge.detector.output;

import io.auditbridge.detector.engine.Alert;
import java.io.IOException;
import java.util.List;

/** Where alerts go. {@link #publish} returns once they are written or sent, or throws so the caller can retry. */
public interface AlertOutput extends AutoCloseable {
    void publish(List<Alert> alerts) throws IOException, InterruptedException;

    /** For logs: where alerts go, without secrets. */
    String describe();

    @Override
    default void close() throws IOException {}

    /**
     * Parses {@code stdout}, {@code file:PATH}, {@code program:COMMAND} (Falco's program_output) or an {@code http(s)://} URL (Falcosidekick or any endpoint
     * taking Falco's JSON output, one alert per POST).
     *
     * @throws IllegalArgumentException naming the problem
     */
    static AlertOutput parse(String spec) {
        String s = spec == null ? "stdout" : spec.trim();
        if (s.equals("stdout") || s.isEmpty()) {
            return new NdjsonAlertOutput(System.out, "stdout");
        }
        if (s.startsWith("file:")) {
            return FileAlertOutput.open(java.nio.file.Path.of(s.substring("file:".length())));
        }
        if (s.startsWith("program:")) {
            return new ProgramAlertOutput(s.substring("program:".length()), false);
        }
        if (s.startsWith("http://") || s.startsWith("https://")) {
            return new HttpAlertOutput(java.net.URI.create(s), java.time.Duration.ofSeconds(10));
        }
        throw new IllegalArgumentException("an alert output is stdout, file:PATH, program:COMMAND or an http(s):// URL");
    }
}
