package io.auditbridge.core.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultLogConfiguratorTest {
    @TempDir
    Path dir;

    @Test
    void withoutALogbackFileItLogsTextAtInfoOnStderrAndQuietsClientLibraries() throws Exception {
        LoggerContext ctx = new LoggerContext();
        try (URLClassLoader nothing = new URLClassLoader(new URL[0], null)) {
            assertThat(new DefaultLogConfigurator(nothing).configure(ctx)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        }

        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("stderr");
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(stderr.isStarted()).isTrue();
        assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
        assertThat(ctx.getLogger("io.grpc.internal.ManagedChannelImpl").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(ctx.getLogger("okhttp3.OkHttpClient").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(ctx.getLogger("io.auditbridge.core.Pipeline").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aLogbackFileOnTheClassPathIsLeftToLogback() throws Exception {
        Files.writeString(dir.resolve("logback.xml"), "<configuration/>");
        LoggerContext ctx = new LoggerContext();
        try (URLClassLoader withFile = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(new DefaultLogConfigurator(withFile).configure(ctx)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        }
        assertThat(ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("stderr")).isNull();
    }
}
