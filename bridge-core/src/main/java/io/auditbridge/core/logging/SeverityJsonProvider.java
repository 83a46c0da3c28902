package io.auditbridge.core.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import net.logstash.logback.composite.AbstractFieldJsonProvider;

/**
 * {@code "severity"}: the level as Cloud Logging's LogSeverity names it (WARN is WARNING there, TRACE has no
 * equivalent and is DEBUG), so GKE, Cloud Run and Cloud Functions classify each line without a parser.
 */
public final class SeverityJsonProvider extends AbstractFieldJsonProvider<ILoggingEvent> {
    public SeverityJsonProvider() {
        setFieldName("severity");
    }

    @Override
    public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
        generator.writeStringField(getFieldName(), severity(event.getLevel()));
    }

    static String severity(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "ERROR";
            case Level.WARN_INT -> "WARNING";
            case Level.INFO_INT -> "INFO";
            default -> "DEBUG";
        };
    }
}
