package io.auditbridge.core.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;

/**
 * The logging every command starts with, until its {@code --log-format} is applied: text on stderr (stdout
 * carries Events and alerts), INFO, chatty client libraries at WARN. Set up in code, found by logback through
 * {@code META-INF/services}: reading the same settings from a logback.xml loaded some 480 classes (the XML parser
 * and logback's configuration model), about 0.15 CPU-seconds of every start (profiled, issue 15).
 *
 * <p>An explicit logback configuration still wins: {@code -Dlogback.configurationFile}, or a
 * {@code logback-test.xml} / {@code logback.xml} on the class path (the tests' own), is left to logback.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class DefaultLogConfigurator extends ContextAwareBase implements Configurator {
    /** The text log line; {@code LogOptions} uses it too. */
    public static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    private static final List<String> QUIET_LIBRARIES = List.of("io.grpc", "io.netty", "com.azure", "reactor",
            "software.amazon", "org.apache.hc", "okhttp3", "io.fabric8");

    private final ClassLoader loader;

    /** As logback's ServiceLoader creates it. */
    public DefaultLogConfigurator() {
        this(DefaultLogConfigurator.class.getClassLoader());
    }

    /** @param loader where an explicit logback configuration file would be found */
    DefaultLogConfigurator(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
                || loader.getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null
                || loader.getResource(ContextInitializer.AUTOCONFIG_FILE) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(ctx);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        for (String library : QUIET_LIBRARIES) {
            ctx.getLogger(library).setLevel(Level.WARN);
        }
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
