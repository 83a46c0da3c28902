package io.auditbridge.core.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code --log-format} and {@code --log-level}. Logs go to stderr (stdout carries Events and alerts): JSON
 * in containers and serverless runtimes, text on a terminal, unless chosen explicitly.
 */
public final class LogOptions {
    public enum Format { AUTO, TEXT, JSON }

    private Format format = Format.AUTO;
    private String level = "info";

    @Option(names = "--log-format", paramLabel = "auto|text|json", defaultValue = "auto",
            description = "Log format on stderr; auto = json inside Kubernetes/Lambda/Cloud Functions, else text. Env: AUDITBRIDGE_LOG_FORMAT.")
    void format(Format f) {
        this.format = f;
        apply();
    }

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "trace, debug, info, warn or error. Env: AUDITBRIDGE_LOG_LEVEL.")
    void level(String l) {
        if (!l.matches("(?i)trace|debug|info|warn|error")) {
            throw new ConfigException("--log-level", "must be trace, debug, info, warn or error, not " + l);
        }
        this.level = l;
        apply();
    }

    /** Reconfigures logback; safe to call more than once. */
    public void apply() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        boolean json = format == Format.JSON || (format == Format.AUTO && inManagedRuntime());
        Encoder<ILoggingEvent> encoder;
        if (json) {
            JsonEncoder je = new JsonEncoder();
            je.setWithSequenceNumber(false);
            je.setWithContext(false);
            je.setWithFormattedMessage(true);
            je.setWithMessage(false);
            je.setWithArguments(false);
            encoder = je;
        } else {
            PatternLayoutEncoder pe = new PatternLayoutEncoder();
            pe.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
            encoder = pe;
        }
        encoder.setContext(ctx);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setName("stderr");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        root.setLevel(Level.toLevel(level, Level.INFO));
    }

    static boolean inManagedRuntime() {
        return System.getenv("KUBERNETES_SERVICE_HOST") != null
                || System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null
                || System.getenv("K_SERVICE") != null;
    }
}
