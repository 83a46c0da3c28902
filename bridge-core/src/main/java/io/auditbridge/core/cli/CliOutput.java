package io.auditbridge.core.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.LoggerFactory;

/**
 * The lines a command writes on stderr itself ({@code error: …}, the final summary, progress) in the format the
 * logs have: plain text, or with {@code --log-format json} one JSON object per line from the same encoder
 * (logger {@code auditbridge.cli}, {@code auditbridge.summary} or {@code auditbridge.progress}) with the counts as
 * their own keys.
 */
public final class CliOutput {
    private CliOutput() {}

    /** {@code error: message}, or an ERROR JSON line. */
    public static void error(PrintWriter err, String message) {
        if (!writeJson(err, "auditbridge.cli", Level.ERROR, message, Map.of())) {
            err.println("error: " + message);
        }
        err.flush();
    }

    /** The final summary: {@code text} as is, or an INFO JSON line with {@code fields} as keys. */
    public static void summary(PrintWriter err, String text, Map<String, ?> fields) {
        line(err, "auditbridge.summary", text, fields);
    }

    /** A progress line: {@code text} as is, or an INFO JSON line with {@code fields} as keys. */
    public static void progress(PrintWriter err, String text, Map<String, ?> fields) {
        line(err, "auditbridge.progress", text, fields);
    }

    private static void line(PrintWriter err, String logger, String text, Map<String, ?> fields) {
        if (!writeJson(err, logger, Level.INFO, text, fields)) {
            err.println(text);
        }
        err.flush();
    }

    private static boolean writeJson(PrintWriter err, String logger, Level level, String message, Map<String, ?> fields) {
        Encoder<ILoggingEvent> encoder = LogOptions.jsonEncoder();
        if (encoder == null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return false;
        }
        Object[] args = fields.isEmpty() ? null : new Object[] {StructuredArguments.entries(fields)};
        LoggingEvent event = new LoggingEvent(CliOutput.class.getName(), ctx.getLogger(logger), level, message, null, args);
        err.print(new String(encoder.encode(event), StandardCharsets.UTF_8));
        return true;
    }
}
