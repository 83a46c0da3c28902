package io.auditbridge.core.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import net.logstash.logback.argument.StructuredArgument;
import net.logstash.logback.composite.AbstractJsonProvider;

/**
 * Every {@code name={}} in a log message is also written as its own JSON key: {@code log.warn("record error
 * source={} record={} auditID={}", ...)} gives {@code "source":"eks","record":"…","auditID":"…"} beside the
 * message, so the log pipeline can filter on them without parsing text. Numbers stay numbers. Keys the encoder
 * writes itself (time, level, message, …) and repeated names are written once, first value wins.
 */
public final class TemplateFieldsJsonProvider extends AbstractJsonProvider<ILoggingEvent> {
    private static final Set<String> RESERVED = Set.of("time", "level", "severity", "message", "logger", "thread",
            "stack_trace", "tags");

    @Override
    public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
        Object[] args = event.getArgumentArray();
        String template = event.getMessage();
        if (args == null || args.length == 0 || template == null) {
            return;
        }
        Set<String> written = new HashSet<>();
        int arg = 0;
        for (int at = template.indexOf("{}"); at >= 0 && arg < args.length; at = template.indexOf("{}", at + 2)) {
            if (at > 0 && template.charAt(at - 1) == '\\') {
                continue; // an escaped placeholder consumes no argument
            }
            Object value = args[arg++];
            String name = nameBefore(template, at);
            // A value nobody could recover (a record error without an auditID) is left out, not written as "null".
            if (name == null || value == null || value instanceof StructuredArgument || value instanceof Throwable
                    || RESERVED.contains(name) || !written.add(name)) {
                continue;
            }
            if (value instanceof Number n && !(value instanceof Double d && (d.isNaN() || d.isInfinite()))) {
                if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    generator.writeNumberField(name, n.longValue());
                } else {
                    generator.writeNumberField(name, n.doubleValue());
                }
            } else if (value instanceof Boolean b) {
                generator.writeBooleanField(name, b);
            } else {
                generator.writeStringField(name, String.valueOf(value));
            }
        }
    }

    /** {@code name} when the placeholder at {@code at} is preceded by {@code name=}. */
    static String nameBefore(String template, int at) {
        if (at < 2 || template.charAt(at - 1) != '=') {
            return null;
        }
        int start = at - 1;
        while (start > 0 && isNameChar(template.charAt(start - 1))) {
            start--;
        }
        return start == at - 1 ? null : template.substring(start, at - 1);
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }
}
