package io.auditbridge.aks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.auditbridge.core.testing.ServiceProcess;
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
            ServiceProcess.absent("Azurite", reason);
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
        } catch (IOException e) {
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

        private final ServiceProcess process;
        private final int port;
        private final Path location;

        private Azurite(ServiceProcess process, int port, Path location) {
            this.process = process;
            this.port = port;
            this.location = location;
        }

        static Azurite start(Path bin) throws IOException, InterruptedException {
            int port = ServiceProcess.freeLoopbackPort();
            Path location = Files.createTempDirectory("azurite-");
            ServiceProcess p = ServiceProcess.start("azurite", List.of(bin.toString(), "--blobHost", "127.0.0.1",
                    "--blobPort", String.valueOf(port), "--location", location.toString(), "--loose",
                    "--skipApiVersionCheck", "--disableTelemetry"), Map.of(), READY_LINE, Duration.ofSeconds(60));
            return new Azurite(p, port, location);
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
            process.close();
            try (var files = Files.walk(location)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
