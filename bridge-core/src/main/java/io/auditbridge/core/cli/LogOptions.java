package io.auditbridge.core.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.auditbridge.core.logging.SeverityJsonProvider;
import io.auditbridge.core.logging.TemplateFieldsJsonProvider;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Option;

/**
 * {@code --log-format} and {@code --log-level}. Logs go to stderr (stdout carries Events and alerts): JSON
 * in containers and serverless runtimes, text on a terminal, unless chosen explicitly.
 *
 * <p>A JSON line (logstash-logback-encoder) has {@code time} (ISO-8601, UTC), {@code level}, {@code severity}
 * (Cloud Logging's name for it), {@code message}, {@code logger}, {@code thread}, every {@code name={}} of the
 * message as its own key ({@link TemplateFieldsJsonProvider}), structured arguments and MDC entries, and
 * {@code stack_trace}. The SDKs' logs take the same way: the AWS and Azure SDKs and fabric8 log through SLF4J, gRPC
 * and google-http-client through java.util.logging, which is routed to SLF4J here.
 */
@HelpGroup(HelpGroup.Section.OPERATIONS)
public final class LogOptions {
    public enum Format { AUTO, TEXT, JSON }

    private static volatile Encoder<ILoggingEvent> active;
    private static volatile boolean julRouted;

    private Format format = Format.AUTO;
    private String level = "info";

    @Option(names = "--log-format", paramLabel = "auto|text|json", defaultValue = "auto",
            description = "Log format on stderr; auto = json inside Kubernetes/Lambda/Cloud Functions, else text.")
    void format(Format f) {
        this.format = f;
        apply();
    }

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "trace, debug, info, warn or error.")
    void level(String l) {
        if (!l.matches("(?i)trace|debug|info|warn|error")) {
            throw new ConfigException("--log-level", "must be trace, debug, info, warn or error, not " + l);
        }
        this.level = l;
        apply();
    }

    /**
     * Applies AUDITBRIDGE_LOG_FORMAT / AUDITBRIDGE_LOG_LEVEL before the command line is parsed, so that what is
     * logged (or reported as an error) before the options are read has the chosen format already.
     */
    public static void applyFromEnvironment() {
        LogOptions o = new LogOptions();
        String f = System.getenv(BridgeCli.envName("--log-format"));
        if (f != null) {
            try {
                o.format = Format.valueOf(f.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ignored) {
                // reported by the option itself when the command line is parsed
            }
        }
        String l = System.getenv(BridgeCli.envName("--log-level"));
        if (l != null && l.strip().matches("(?i)trace|debug|info|warn|error")) {
            o.level = l.strip();
        }
        o.apply();
    }

    /** The JSON encoder in use, or null when logs are text: summary and error lines follow the same choice. */
    static Encoder<ILoggingEvent> jsonEncoder() {
        return active;
    }

    /** Reconfigures logback; safe to call more than once. */
    public void apply() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        routeJavaUtilLogging(ctx);
        boolean json = format == Format.JSON || (format == Format.AUTO && inManagedRuntime());
        Encoder<ILoggingEvent> encoder = json ? jsonEncoder(ctx) : textEncoder(ctx);
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
        active = json ? encoder : null;
    }

    static LogstashEncoder jsonEncoder(LoggerContext ctx) {
        LogstashEncoder e = new LogstashEncoder();
        e.setContext(ctx);
        LogstashFieldNames names = e.getFieldNames();
        names.setTimestamp("time");
        names.setVersion("[ignore]");
        names.setLevelValue("[ignore]");
        names.setLogger("logger");
        names.setThread("thread");
        names.setMessage("message");
        names.setStackTrace("stack_trace");
        e.setTimeZone("UTC");
        e.setIncludeContext(false);
        e.addProvider(new SeverityJsonProvider());
        e.addProvider(new TemplateFieldsJsonProvider());
        e.start();
        return e;
    }

    private static PatternLayoutEncoder textEncoder(LoggerContext ctx) {
        PatternLayoutEncoder pe = new PatternLayoutEncoder();
        pe.setPattern(io.auditbridge.core.logging.DefaultLogConfigurator.TEXT_PATTERN);
        pe.setContext(ctx);
        pe.start();
        return pe;
    }

    /** java.util.logging (gRPC, google-http-client) into SLF4J, its levels kept in step so disabled levels cost nothing. */
    private static synchronized void routeJavaUtilLogging(LoggerContext ctx) {
        if (julRouted) {
            return;
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(ctx);
        propagator.setResetJUL(true);
        propagator.start();
        ctx.addListener(propagator);
        julRouted = true;
    }

    static boolean inManagedRuntime() {
        return System.getenv("KUBERNETES_SERVICE_HOST") != null
                || System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null
                || System.getenv("K_SERVICE") != null;
    }
}
