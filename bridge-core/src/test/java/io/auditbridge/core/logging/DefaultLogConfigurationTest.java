package io.auditbridge.core.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class DefaultLogConfigurationTest {
    @Test
    void startsWithTextOnStderrAtInfoAndTheChattyLibrariesAtWarn() {
        LoggerContext context = new LoggerContext();
        DefaultLogConfiguration.configureDefaults(context);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        var appender = (ConsoleAppender<?>) root.getAppender("stderr");
        assertThat(appender.getTarget()).isEqualTo("System.err");
        assertThat(appender.isStarted()).isTrue();
        assertThat(((PatternLayoutEncoder) appender.getEncoder()).getPattern()).isEqualTo("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
        for (String library : new String[] {"io.grpc", "io.netty", "com.azure", "reactor", "software.amazon", "org.apache.hc", "okhttp3", "io.fabric8"}) {
            assertThat(context.getLogger(library).getLevel()).as(library).isEqualTo(Level.WARN);
        }
        assertThat(context.getLogger("io.auditbridge.core").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void logbackFindsItAsAServiceAndItStepsAsideForALogbackTestXml() {
        assertThat(ServiceLoader.load(Configurator.class)).anyMatch(c -> c instanceof DefaultLogConfiguration);
        // This module's tests carry a logback-test.xml: logback's XML configuration must then run instead.
        assertThat(new DefaultLogConfiguration().configure(new LoggerContext())).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }
}
