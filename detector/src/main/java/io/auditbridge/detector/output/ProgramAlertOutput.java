package io.auditbridge.detector.output;

import io.auditbridge.detector.engine.Alert;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Falco's {@code program_output}: each alert's JSON line is written to the standard input of a command run by
 * {@code /bin/sh -c}. Without keep-alive (Falco's default) the command runs once per alert and must exit 0;
 * with keep-alive one process reads every alert and is restarted when it has died.
 */
public final class ProgramAlertOutput implements AlertOutput {
    private static final long EXIT_TIMEOUT_SECONDS = 30;

    private final String command;
    private final boolean keepAlive;
    private Process process;

    public ProgramAlertOutput(String command, boolean keepAlive) {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("program output needs a command");
        }
        this.command = command;
        this.keepAlive = keepAlive;
    }

    @Override
    public synchronized void publish(List<Alert> alerts) throws IOException, InterruptedException {
        if (alerts.isEmpty()) {
            return;
        }
        if (keepAlive) {
            publishToRunning(alerts);
            return;
        }
        for (Alert a : alerts) {
            Process p = start();
            try (OutputStream in = p.getOutputStream()) {
                in.write((a.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // Usually a broken pipe: the command ended without reading; its exit code says more.
                if (p.waitFor(5, TimeUnit.SECONDS)) {
                    throw new IOException("program output: the command exited with " + p.exitValue() + " before reading the alert", e);
                }
                p.destroy();
                throw new IOException("program output: cannot write to the command: " + e.getMessage(), e);
            }
            if (!p.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("program output: the command did not exit within " + EXIT_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("program output: the command exited with " + p.exitValue());
            }
        }
    }

    private void publishToRunning(List<Alert> alerts) throws IOException {
        if (process == null || !process.isAlive()) {
            process = start();
        }
        StringBuilder sb = new StringBuilder(alerts.size() * 512);
        for (Alert a : alerts) {
            sb.append(a.toJsonLine()).append('\n');
        }
        try {
            OutputStream in = process.getOutputStream();
            in.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            process.destroy();
            process = null;
            throw new IOException("program output: the command stopped reading: " + e.getMessage(), e);
        }
    }

    private Process start() throws IOException {
        return new ProcessBuilder("/bin/sh", "-c", command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    @Override
    public String describe() {
        return "program";
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroy();
                }
            } catch (IOException e) {
                process.destroy();
            } catch (InterruptedException e) {
                process.destroy();
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }
}
