package io.auditbridge.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A receiver command run as the Deployment runs it: a separate JVM of the real main class, with the heap the
 * manifest gives it ({@code -Xmx} = 75 % of the container's memory limit, as {@code -XX:MaxRAMPercentage=75}
 * does there) and {@code -XX:+ExitOnOutOfMemoryError}, so running out of memory ends it visibly.
 */
public final class ReceiverProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ReceiverProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass args} and waits until {@code port} accepts connections.
     *
     * @param jvmOptions extra options, e.g. {@code -Dsun.net.httpserver.maxReqTime=4}
     */
    public static ReceiverProcess start(String mainClass, List<String> args, long heapBytes, List<String> jvmOptions,
                                        Map<String, String> env, int port, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + (heapBytes / (1024 * 1024)) + "m",
                "-XX:+ExitOnOutOfMemoryError", "-Xss512k"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AUDITBRIDGE_"));
        pb.environment().putAll(env);
        ReceiverProcess p = new ReceiverProcess(pb.start(), log);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until) {
            if (!p.process.isAlive()) {
                throw new IllegalStateException("receiver exited with " + p.process.exitValue() + ":\n" + p.log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return p;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        p.close();
        throw new IllegalStateException("receiver did not listen on " + port + ":\n" + p.log());
    }

    /** A port free now (the child binds it right after). */
    public static int freePort() {
        return ServiceProcess.freeLoopbackPort();
    }

    /**
     * 75 % of the container memory limit in {@code deployment} ({@code resources.limits.memory}, Mi or Gi):
     * what {@code -XX:MaxRAMPercentage=75} gives the JVM there.
     */
    public static long deploymentHeap(Path deployment) throws IOException {
        return deploymentMemoryLimit(deployment) * 3 / 4;
    }

    /** The container memory limit of {@code deployment}, in bytes. */
    public static long deploymentMemoryLimit(Path deployment) throws IOException {
        String yaml = Files.readString(deployment);
        Matcher m = Pattern.compile("limits:\\s*\\n(?:\\s+\\w+:.*\\n)*?\\s+memory:\\s*\"?(\\d+)(Mi|Gi)\"?").matcher(yaml);
        if (!m.find()) {
            throw new IllegalStateException("no resources.limits.memory in " + deployment);
        }
        long n = Long.parseLong(m.group(1));
        return n * 1024 * 1024 * (m.group(2).equals("Gi") ? 1024 : 1);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Peak resident memory of the child (VmHWM), in bytes; -1 where /proc is absent. */
    public long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Waits for the process to end by itself; its exit code, or -1 after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
