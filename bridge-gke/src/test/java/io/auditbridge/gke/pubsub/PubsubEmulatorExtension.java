package io.auditbridge.gke.pubsub;

import io.auditbridge.core.testing.ServiceProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts Google's Pub/Sub emulator (a JVM, part of the Cloud SDK: {@code platform/pubsub-emulator/bin/cloud-pubsub-emulator}
 * under {@code gcloud info --format='value(installation.sdk_root)'}) once per test class on a free loopback port,
 * and stops that process when the class ends. Where the emulator is absent the class is skipped with the reason,
 * except under {@code CI=true}, where it fails: CI must not silently lose the subscriber tests.
 * {@code PUBSUB_EMULATOR_BIN} overrides the location.
 */
public final class PubsubEmulatorExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PubsubEmulatorExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Object state = context.getStore(NS).computeIfAbsent("emulator", k -> startOrExplain(), Object.class);
        if (state instanceof String reason) {
            ServiceProcess.absent("the Pub/Sub emulator", reason);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (context.getStore(NS).remove("emulator") instanceof PubsubEmulator e) {
            e.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == PubsubEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return e.getStore(NS).get("emulator", PubsubEmulator.class);
    }

    private static Object startOrExplain() {
        Path bin;
        try {
            bin = locate();
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while looking for the emulator";
        }
        try {
            return PubsubEmulator.start(bin);
        } catch (IOException e) {
            return "the emulator did not start: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while starting the emulator";
        }
    }

    /** The emulator's launcher: $PUBSUB_EMULATOR_BIN, else under the SDK root gcloud names. */
    public static Path locate() throws IOException, InterruptedException {
        String override = System.getenv("PUBSUB_EMULATOR_BIN");
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (!Files.isExecutable(p)) {
                throw new IOException("PUBSUB_EMULATOR_BIN is not executable: " + p);
            }
            return p;
        }
        Process p;
        try {
            p = new ProcessBuilder(List.of("gcloud", "info", "--format=value(installation.sdk_root)"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("gcloud not found on PATH (install the Cloud SDK and its pubsub-emulator component)");
        }
        String root;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            root = r.readLine();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || root == null || root.isBlank()) {
            p.destroyForcibly();
            throw new IOException("`gcloud info` did not name the SDK root");
        }
        Path bin = Path.of(root.strip(), "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator");
        if (!Files.isExecutable(bin)) {
            throw new IOException("no emulator at " + bin + " (gcloud components install pubsub-emulator, or apt-get install google-cloud-cli-pubsub-emulator)");
        }
        return bin;
    }
}
