package io.auditbridge.aks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one Azurite blob service for the whole test run, from {@code .ci/azurite/} (installed by
 * {@code .ci/setup.d/azurite.sh}, which this extension runs itself when Azurite is missing), on a free
 * loopback port with a throw-away location, and stops it by its PID when the run ends.
 *
 * <p>When Azurite cannot be installed (no npm), the tests are skipped with the reason, except under
 * {@code CI=true}, where they fail: CI must not silently lose the checkpoint-store tests.
 */
public final class AzuriteExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(AzuriteExtension.class);
    private static final String READY_LINE = "successfully listens on";

    @Override
    public void beforeAll(ExtensionContext context) {
        Object state = context.getRoot().getStore(NS).computeIfAbsent("azurite", k -> startOrExplain(), Object.class);
        if (state instanceof String reason) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("Azurite is required when CI=true: " + reason);
            }
            Assumptions.abort("Azurite not available, skipping the checkpoint-store tests: " + reason);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Azurite.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return e.getRoot().getStore(NS).get("azurite", Azurite.class);
    }

    /** A running Azurite, or a String saying why there is none. */
    private static Object startOrExplain() {
        Path root = repositoryRoot();
        if (root == null) {
            return "cannot find .ci/setup.d/azurite.sh above " + Path.of("").toAbsolutePath();
        }
        Path bin = root.resolve(".ci/azurite/node_modules/.bin/azurite-blob");
        if (!Files.isExecutable(bin)) {
            String failure = install(root);
            if (failure != null) {
                return failure;
            }
        }
        try {
            return Azurite.start(bin);
        } catch (IOException | TimeoutException e) {
            return "Azurite did not start: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while starting Azurite";
        }
    }

    private static String install(Path root) {
        try {
            Process p = new ProcessBuilder("bash", root.resolve(".ci/setup.d/azurite.sh").toString())
                    .directory(root.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                return ".ci/setup.d/azurite.sh failed: " + out.strip();
            }
            return null;
        } catch (IOException e) {
            return "cannot run .ci/setup.d/azurite.sh: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while installing Azurite";
        }
    }

    private static Path repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(".ci/setup.d/azurite.sh"))) {
                return d;
            }
        }
        return null;
    }

    /** One Azurite blob process; closing it stops that process (and only it). */
    public static final class Azurite implements AutoCloseable {
        /** Azurite's published development account key (not a secret: it is in Microsoft's documentation). */
        private static final String DEV_KEY =
                "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

        private final Process process;
        private final int port;
        private final Path location;

        private Azurite(Process process, int port, Path location) {
            this.process = process;
            this.port = port;
            this.location = location;
        }

        static Azurite start(Path bin) throws IOException, InterruptedException, TimeoutException {
            int port = freePort();
            Path location = Files.createTempDirectory("azurite-");
            Process p = new ProcessBuilder(List.of(bin.toString(), "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
                    "--location", location.toString(), "--loose", "--skipApiVersionCheck", "--disableTelemetry"))
                    .redirectErrorStream(true).start();
            CompletableFuture<Void> ready = new CompletableFuture<>();
            Deque<String> tail = new ArrayDeque<>();
            Thread.ofPlatform().daemon().name("azurite-output").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (tail) {
                            tail.addLast(line);
                            if (tail.size() > 20) {
                                tail.removeFirst();
                            }
                        }
                        if (line.contains(READY_LINE)) {
                            ready.complete(null);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
                ready.completeExceptionally(new IOException("exited before listening"));
            });
            try {
                ready.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                p.destroyForcibly();
                synchronized (tail) {
                    throw new TimeoutException((e instanceof ExecutionException ? e.getCause().getMessage() : "not listening after 60 s")
                            + "; output: " + String.join(" | ", tail));
                }
            }
            // If the test JVM ends without closing the store (a crash, ^C), Azurite must not outlive it.
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(p::destroy));
            return new Azurite(p, port, location);
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }

        public long pid() {
            return process.pid();
        }

        public String blobEndpoint() {
            return "http://127.0.0.1:" + port + "/devstoreaccount1";
        }

        public String connectionString() {
            return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + DEV_KEY
                    + ";BlobEndpoint=" + blobEndpoint() + ";";
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            try (var files = Files.walk(location)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
