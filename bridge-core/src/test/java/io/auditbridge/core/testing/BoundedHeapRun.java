package io.auditbridge.core.testing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a bridge's main class in a child JVM with a small heap ({@code -Xmx256m}, exiting on OutOfMemoryError),
 * feeding stdin from a generator as the child reads it (no big file on disk or in memory), and counting
 * stdout lines without keeping them: proves a path streams whatever the input's size.
 */
public final class BoundedHeapRun {
    /** What the child did: its exit code, how many lines it wrote to stdout, and the end of its stderr. */
    public record Result(int exitCode, long stdoutLines, String stderrTail) {}

    /** Writes the child's stdin. */
    @FunctionalInterface
    public interface Input {
        void writeTo(OutputStream stdin) throws IOException;

        Input NONE = stdin -> { };
    }

    private BoundedHeapRun() {}

    public static Result run(String maxHeap, Class<?> main, List<String> args, Input input, long timeoutMinutes)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        Process child = new ProcessBuilder(cmd).start();
        AtomicLong lines = new AtomicLong();
        StringBuilder tail = new StringBuilder();
        Thread feeder = Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream stdin = new BufferedOutputStream(child.getOutputStream(), 1 << 16)) {
                input.writeTo(stdin);
            } catch (IOException e) {
                // the child stopped reading (it failed): its exit code and stderr tell why
            }
        });
        Thread out = Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[1 << 16];
            try (InputStream in = child.getInputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            lines.incrementAndGet();
                        }
                    }
                }
            } catch (IOException ignored) {
                // child gone
            }
        });
        Thread err = Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = child.getErrorStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (tail) {
                        tail.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        if (tail.length() > 16_384) {
                            tail.delete(0, tail.length() - 8192);
                        }
                    }
                }
            } catch (IOException ignored) {
                // child gone
            }
        });
        if (!child.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            throw new AssertionError("child did not finish in " + timeoutMinutes + " min; stderr: " + tail);
        }
        feeder.join(10_000);
        out.join(10_000);
        err.join(10_000);
        synchronized (tail) {
            return new Result(child.exitValue(), lines.get(), tail.toString());
        }
    }
}
