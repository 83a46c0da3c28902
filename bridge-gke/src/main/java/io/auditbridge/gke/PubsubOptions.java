package io.auditbridge.gke;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.GoogleCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcInterceptorProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.pubsub.v1.ProjectSubscriptionName;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.cli.Durations;
import io.auditbridge.core.cli.HelpGroup;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code run --source pubsub}: which subscription, how leases are kept, and how the client reaches Pub/Sub. */
@HelpGroup(HelpGroup.Section.SOURCE)
final class PubsubOptions {
    /** Where the Pub/Sub emulator listens, as Google's clients read it. */
    static final String EMULATOR_ENV = "PUBSUB_EMULATOR_HOST";

    @Option(names = "--subscription", paramLabel = "projects/P/subscriptions/S",
            description = "With --source pubsub: the Pub/Sub subscription a Log Router sink's topic feeds. Env: AUDITBRIDGE_SUBSCRIPTION.")
    String subscription;

    @Option(names = "--ack-extension-step", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "With --source pubsub: extend a message's lease at most this much at a time; a killed replica's "
                    + "messages return to the others about this long after it died (default ${DEFAULT-VALUE}). Env: AUDITBRIDGE_ACK_EXTENSION_STEP.")
    Duration ackExtensionStep;

    @Option(names = "--max-ack-extension", paramLabel = "DURATION", defaultValue = "60m", converter = Durations.class,
            description = "With --source pubsub: stop extending a message's lease after this long (the sink still failing); "
                    + "Pub/Sub then redelivers it (default ${DEFAULT-VALUE}). Env: AUDITBRIDGE_MAX_ACK_EXTENSION.")
    Duration maxAckExtension;

    @Option(names = "--pull-streams", paramLabel = "N", defaultValue = "1",
            description = "With --source pubsub: parallel streaming pulls per replica (default ${DEFAULT-VALUE}). Env: AUDITBRIDGE_PULL_STREAMS.")
    int pullStreams;

    @Option(names = "--pubsub-endpoint", paramLabel = "HOST:PORT", hidden = true,
            description = "Pub/Sub gRPC endpoint without TLS or credentials (an emulator); default: $PUBSUB_EMULATOR_HOST, else pubsub.googleapis.com:443.")
    String endpoint;

    @Option(names = "--subscription-probe-interval", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class, hidden = true,
            description = "How often /readyz asks Pub/Sub whether the subscription is reachable (default ${DEFAULT-VALUE}).")
    Duration probeInterval;

    /** Test seam: interceptors on the subscriber's channel (they observe the real acknowledge RPCs). */
    List<ClientInterceptor> interceptors = List.of();

    /** Test seam: called once the subscriber runs, with the runtime (metrics, pipeline, stop). */
    java.util.function.Consumer<io.auditbridge.core.cli.BridgeRuntime<byte[]>> started = r -> {};

    /** The validated subscription name; a wrong one fails at start naming the option. */
    ProjectSubscriptionName subscriptionName() {
        if (subscription == null || subscription.isBlank()) {
            throw new ConfigException("--subscription", "required with --source pubsub (projects/P/subscriptions/S)");
        }
        String s = subscription.trim();
        if (!ProjectSubscriptionName.isParsableFrom(s)) {
            throw new ConfigException("--subscription", "must be projects/P/subscriptions/S: " + s);
        }
        if (pullStreams < 1) {
            throw new ConfigException("--pull-streams", "must be >= 1: " + pullStreams);
        }
        if (ackExtensionStep.isNegative() || ackExtensionStep.compareTo(Duration.ofSeconds(10)) < 0
                || ackExtensionStep.compareTo(Duration.ofSeconds(600)) > 0) {
            throw new ConfigException("--ack-extension-step", "must be 10s..600s (Pub/Sub's ack deadline range): " + ackExtensionStep);
        }
        if (maxAckExtension.isNegative()) {
            throw new ConfigException("--max-ack-extension", "must not be negative: " + maxAckExtension);
        }
        return ProjectSubscriptionName.parse(s);
    }

    /** An emulator endpoint (plaintext, no credentials), or null for Google's. */
    String emulatorEndpoint() {
        if (endpoint != null && !endpoint.isBlank()) {
            return endpoint.trim();
        }
        String env = System.getenv(EMULATOR_ENV);
        return env == null || env.isBlank() ? null : env.trim();
    }

    TransportChannelProvider channel() {
        // The library's own channel settings (its inbound size limit fits Pub/Sub's 10 MB messages).
        InstantiatingGrpcChannelProvider.Builder b = SubscriptionAdminSettings.defaultGrpcTransportProviderBuilder();
        String emulator = emulatorEndpoint();
        if (emulator != null) {
            b.setEndpoint(emulator).setChannelConfigurator(ManagedChannelBuilder::usePlaintext);
        }
        if (!interceptors.isEmpty()) {
            List<ClientInterceptor> list = List.copyOf(interceptors);
            b.setInterceptorProvider((GrpcInterceptorProvider) () -> list);
        }
        return b.build();
    }

    CredentialsProvider credentials(Path credentialsFile) {
        if (emulatorEndpoint() != null) {
            return NoCredentialsProvider.create();
        }
        if (credentialsFile == null) {
            GoogleCredentialsProvider.Builder adc = SubscriptionAdminSettings.defaultCredentialsProviderBuilder();
            return adc.build();
        }
        try (InputStream in = Files.newInputStream(credentialsFile)) {
            return FixedCredentialsProvider.create(GoogleCredentials.fromStream(in)
                    .createScoped(SubscriptionAdminSettings.getDefaultServiceScopes()));
        } catch (IOException e) {
            throw new ConfigException("--credentials-file", "cannot read a service-account key from " + credentialsFile);
        }
    }
}
