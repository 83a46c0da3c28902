package io.auditbridge.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.cli.BridgeCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs a bridge's real {@code translate} command in-process, as {@code java -jar <bridge>.jar translate …} would,
 * and keeps what it printed: the NDJSON Events on stdout and the summary on stderr.
 *
 * @param exitCode the command's exit code
 * @param events   the Events printed, in order
 * @param stderr   the summary and record errors
 */
public record TranslateRun(int exitCode, List<JsonNode> events, String stderr) {
    /** A file of the repository's {@code samples/} directory, seen from a module's directory (the tests' cwd). */
    public static Path sample(String relative) {
        return Path.of("..", "samples").resolve(relative).toAbsolutePath().normalize();
    }

    /** {@code <bridge> translate args…}; stdout is captured, so nothing else may print to it meanwhile. */
    public static synchronized TranslateRun of(Object bridge, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter stderr = new StringWriter();
        PrintStream saved = System.out;
        int code;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            CommandLine cl = BridgeCli.commandLine(bridge);
            cl.setErr(new PrintWriter(stderr, true));
            List<String> all = new ArrayList<>();
            all.add("translate");
            all.addAll(List.of(args));
            code = cl.execute(all.toArray(String[]::new));
        } finally {
            System.setOut(saved);
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : stdout.toString(StandardCharsets.UTF_8).lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            try {
                events.add(EventJson.MAPPER.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException("translate printed a line that is not JSON: " + line, e);
            }
        }
        return new TranslateRun(code, events, stderr.toString());
    }

    /** The Events' values at a JSON pointer ({@code /requestURI}), in order; missing ones as null. */
    public List<String> at(String pointer) {
        return events.stream().map(e -> e.at(pointer).isMissingNode() ? null : e.at(pointer).asText()).toList();
    }
}
