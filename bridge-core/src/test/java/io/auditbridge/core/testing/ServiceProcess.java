package io.auditbridge.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A third-party service the tests run as a child process (Azurite, Google's Pub/Sub emulator, …): started, awaited
 * until it prints the line that says it listens, and stopped by its own PID, never outliving the test JVM.
 *
 * <p>Why one class: every emulator needs the same care — read its output so it never blocks on a full pipe, keep the
 * last lines to explain a failed start, and destroy it from a shutdown hook when a run is killed.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final int TAIL_LINES = 20;

    private final Process process;

    private ServiceProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code command} with {@code environment} added, and waits up to {@code timeout} for a line of its
     * output containing {@code readyLine}.
     *
     * @throws IOException when it cannot start, exits first, or does not get ready in time; the message carries the
     *     last lines it printed
     */
    public static ServiceProcess start(String name, List<String> command, Map<String, String> environment,
            String readyLine, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process p = builder.start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Deque<String> tail = new ArrayDeque<>();
        Thread.ofPlatform().daemon().name(name + "-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                    if (line.contains(readyLine)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new IOException(name + " exited before listening"));
        });
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            String why = e instanceof ExecutionException ? e.getCause().getMessage()
                    : name + " not listening after " + timeout.toSeconds() + " s";
            synchronized (tail) {
                throw new IOException(why + "; output: " + String.join(" | ", tail));
            }
        }
        // If the test JVM ends without closing it (a crash, ^C), the service must not outlive it.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(p::destroy));
        return new ServiceProcess(p);
    }

    /**
     * Says a third-party service is absent: the calling test is skipped with {@code reason}, except under
     * {@code CI=true}, where it fails, so CI never silently loses the tests that need the service.
     */
    public static void absent(String service, String reason) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(service + " is required when CI=true: " + reason);
        }
        Assumptions.abort(service + " not available, skipping: " + reason);
    }

    /** A loopback port free at the time of asking. */
    public static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
